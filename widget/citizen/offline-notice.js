// @ts-check
// "No connection" in the widget's notice, said only when the connection stays lost for a moment
// (a quick reconnect goes unnoticed), and "connected again" once it is back.

const OFFLINE_NOTICE_DELAY_MS = 1500;

export class OfflineNotice {
  /**
   * @param {(text: string, kind?: string) => void} notify  the panel's notice
   * @param {(key: string) => string} t
   * @param {() => boolean} online  whether the connection is back (ready)
   */
  constructor(notify, t, online) {
    this.notify = notify;
    this.t = t;
    this.online = online;
    /** @type {number | undefined} */
    this.timer = undefined;
    this.shown = false;
  }

  /** The connection broke (or could not be made). */
  lost() {
    if (this.timer !== undefined || this.shown) return;
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      if (!this.online()) {
        this.shown = true;
        this.notify(this.t("offline"), "error");
      }
    }, OFFLINE_NOTICE_DELAY_MS);
  }

  /** The session is ready again. */
  back() {
    window.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.shown) this.notify(this.t("reconnected"));
    this.shown = false;
  }

  /** Something else confirmed the connection and said so: no second notice. */
  dismiss() {
    this.shown = false;
  }
}
