// The error class every upload-doctor failure is an instance of, and its console report.
// Kept in JS so that errors are real `Error`s with a stack and an `explain()` method.

const MARK = Symbol.for('upload-doctor.error');

export class UploadError extends Error {
  constructor(fields, explanation) {
    super(fields.message);
    this.name = 'UploadError';
    Object.assign(this, fields);
    Object.defineProperty(this, MARK, { value: true });
    Object.defineProperty(this, 'explanation', { value: explanation, enumerable: false });
  }

  /** The long form: cause, evidence, the rule and where it goes, a curl replay. */
  explain() {
    return this.explanation;
  }
}

export function makeUploadError(fields, explanation) {
  return new UploadError(fields, explanation);
}

/** True for errors thrown by upload-doctor, even from another copy of the package. */
export function isUploadErrorJs(value) {
  return value instanceof UploadError || Boolean(value && value[MARK]);
}

/** One collapsed console group per failure. */
export function reportToConsole(err, level) {
  const badge = 'background:#b00020;color:#fff;border-radius:3px;padding:0 4px';
  const warn = 'background:#8a6d00;color:#fff;border-radius:3px;padding:0 4px';
  console.groupCollapsed(`%cupload-doctor%c ${err.code}: ${err.message}`, level === 'warn' ? warn : badge, '');
  console.log(err.explain());
  console.groupEnd();
}
