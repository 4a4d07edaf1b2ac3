// Pictures and files pasted or dropped into the chat: CIM sends text only, so the composer says so instead of doing
// nothing (a paste of a screenshot left the box empty), and a dropped file is not opened by the browser in place of
// the app (its default for a drop nobody takes).

/** What the composer says when a picture or file is pasted or dropped. */
export const ATTACHMENT_NOTICE = "Pictures and files cannot be sent here: CIM sends text only.";

/** True when the paste or drop carries files (a picture copied, a screenshot, a file from the desktop). */
export function carriesFiles(data: Pick<DataTransfer, "types"> | null | undefined): boolean {
  return !!data && Array.from(data.types).includes("Files");
}

/** True when a paste carries files and no text: nothing would be pasted, so the user is told why. A copied picture
 * from a web page often comes with its text or address, which is pasted as usual. */
export function pastesOnlyFiles(data: Pick<DataTransfer, "types" | "getData"> | null | undefined): boolean {
  return carriesFiles(data) && !data!.getData("text/plain");
}
