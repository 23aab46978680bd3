/** Errors the dashboard turns into an HTTP answer with a page (or JSON) that says what to do. */

/** An HTTP error with a status, a short title and a sentence for the reader. */
export class DashboardHttpError extends Error {
  /** HTTP status code. */
  readonly status: number;
  /** Short heading of the error page. */
  readonly title: string;

  /** `message` must say what was wrong and how to fix it. */
  constructor(status: number, title: string, message: string) {
    super(message);
    this.name = "DashboardHttpError";
    this.status = status;
    this.title = title;
  }
}

/** A query parameter or form field that cannot be used: answered with 400, naming the parameter. */
export class BadRequestError extends DashboardHttpError {
  /** The parameter that was wrong. */
  readonly parameter: string;

  /** `message` says what the parameter should look like. */
  constructor(parameter: string, message: string) {
    super(400, `Bad parameter "${parameter}"`, `${parameter}: ${message}`);
    this.name = "BadRequestError";
    this.parameter = parameter;
  }
}
