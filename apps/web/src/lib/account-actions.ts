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

  /** Ends every other login of the user; this one stays. */
  async signOutOthers(): Promise<void> {
    await this.client().logoutOthers();
  }

  private client(): CimClient {
    const client = this.deps.client();
    if (!client) throw new Error("You are signed out.");
    return client;
  }
}
