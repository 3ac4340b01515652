import form from '../../../components/Form.module.css';
import type { ApiClient } from '../../../lib/api-client';
import { describeApiError } from '../../../lib/errors';
import { useSignupDecisions, useSignupRequests } from '../api/signups';
import styles from './SignupRequests.module.css';

const requestedAt = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** For admins: the accounts waiting for approval, each approved or rejected here. */
export function SignupRequests({ api }: { api: ApiClient }) {
  const signups = useSignupRequests(api, true);
  const { approve, reject } = useSignupDecisions(api);
  const busy = approve.isPending || reject.isPending;
  const failure = approve.error ?? reject.error;

  return (
    <div className={styles.requests}>
      {signups.isPending && <p className={form.hint}>Loading…</p>}
      {signups.isError && (
        <p className={form.error} role="alert">
          Could not load the requests: {describeApiError(signups.error)}
        </p>
      )}
      {signups.data?.length === 0 && <p className={form.hint}>No one is waiting for approval.</p>}
      {signups.data && signups.data.length > 0 && (
        <ul className={styles.list} aria-label="Waiting for approval">
          {signups.data.map((signup) => (
            <li key={signup.username} className={styles.item}>
              <div className={styles.who}>
                <span className={styles.name}>{signup.displayName}</span>
                <span className={form.hint}>
                  @{signup.username} ·{' '}
                  <time dateTime={signup.requestedAt}>{requestedAt(signup.requestedAt)}</time>
                </span>
              </div>
              <button
                type="button"
                className={form.primary}
                aria-label={`Approve ${signup.username}`}
                disabled={busy}
                onClick={() => approve.mutate(signup.username)}
              >
                Approve
              </button>
              <button
                type="button"
                className={form.secondary}
                aria-label={`Reject ${signup.username}`}
                disabled={busy}
                onClick={() => reject.mutate(signup.username)}
              >
                Reject
              </button>
            </li>
          ))}
        </ul>
      )}
      {failure && (
        <p className={form.error} role="alert">
          {describeApiError(failure)}
        </p>
      )}
    </div>
  );
}
