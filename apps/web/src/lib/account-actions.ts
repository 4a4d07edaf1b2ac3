// The account from the settings, through route with the store's session: change the password, sign out the other devices.
import type { CimClient } from "@cim/client";

export interface AccountActionsDeps {
  /** The store's client (null while signed out); this class never keeps it. */
  client: () => CimClient | null;
}

/** Each call rejects with the SDK's error (CimApiError with route's code and message); describeAccountError words it. */
export class AccountActions {
  constructor(private readonly deps: AccountActionsDeps) {}

  /** Changes the password; route ends every other login of the user (their windows are signed out), this one stays. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.client().changePassword(currentPassword, newPassword);
  }

  /** Ends every other login of the user; this one stays. Says how many were signed in, in words. */
  async signOutOthers(): Promise<string> {
    return signedOutWords(await this.client().logoutOthers());
  }

  private client(): CimClient {
    const client = this.deps.client();
    if (!client) throw new Error("You are signed out.");
    return client;
  }
}

/** What "Sign out other devices" did: route's count of the logins it ended (undefined from an older route). */
export function signedOutWords(ended: number | undefined): string {
  if (ended === undefined) return "Done: any other device signed in as you is now signed out.";
  if (ended === 0) return "No other devices were signed in.";
  return `Signed out ${ended} ${ended === 1 ? "device" : "devices"}.`;
}
