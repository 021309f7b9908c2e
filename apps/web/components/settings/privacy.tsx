'use client';
// Settings: who sees my listening (everyone, people I approve, nobody) and pending follow requests.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { describeError } from '../../lib/errors';
import { useTRPC } from '../../lib/trpc';
import { PersonRow } from '../people';
import { useForm } from './form';

type Visibility = 'everyone' | 'approved' | 'nobody';
const CHOICES: { value: Visibility; label: string; help: string }[] = [
  { value: 'everyone', label: 'Everyone', help: 'Anyone can follow you and see what you play.' },
  {
    value: 'approved',
    label: 'People I approve',
    help: 'Follows need your OK; only approved followers see your listening.',
  },
  { value: 'nobody', label: 'Nobody', help: 'Nobody sees what you play; you vanish from friends’ sidebars.' },
];

export function Privacy() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const privacy = useQuery(trpc.people.privacy.queryOptions());
  const f = useForm();
  const set = useMutation(
    trpc.people.setPrivacy.mutationOptions({
      onSuccess: () => {
        void qc.invalidateQueries(trpc.people.pathFilter());
        void qc.invalidateQueries(trpc.auth.me.pathFilter());
        f.ok('Saved');
      },
      onError: f.fail,
    }),
  );
  const current = privacy.data?.listeningVisibility;
  return (
    <section className="section" aria-labelledby="privacy-heading">
      <h2 id="privacy-heading">Who can see my listening</h2>
      <fieldset className="settings-form" disabled={!privacy.data || set.isPending}>
        <legend className="visually-hidden">Who can see my listening</legend>
        {CHOICES.map((c) => (
          <label key={c.value}>
            <input
              type="radio"
              name="visibility"
              value={c.value}
              checked={current === c.value}
              onChange={() => set.mutate({ listeningVisibility: c.value })}
            />{' '}
            <strong>{c.label}</strong> <span className="muted small">{c.help}</span>
          </label>
        ))}
      </fieldset>
      {f.node}
    </section>
  );
}

export function Requests() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const reqs = useQuery({ ...trpc.people.requests.queryOptions(), refetchInterval: 15_000 });
  const done = {
    onSuccess: () => void qc.invalidateQueries(trpc.people.pathFilter()),
    onError: (e: unknown) => alert(describeError(e)),
  };
  const accept = useMutation(trpc.people.acceptRequest.mutationOptions(done));
  const decline = useMutation(trpc.people.declineRequest.mutationOptions(done));
  if (!reqs.data || reqs.data.length === 0) return null;
  return (
    <section className="section" aria-labelledby="requests-heading">
      <h2 id="requests-heading">Follow requests</h2>
      <ul className="people" data-testid="follow-requests">
        {reqs.data.map((r) => (
          <PersonRow key={r.id} person={r.from}>
            <button
              type="button"
              className="btn btn-primary"
              aria-label={`Accept ${r.from.displayName}`}
              onClick={() => accept.mutate({ requestId: r.id })}
            >
              Accept
            </button>
            <button
              type="button"
              className="btn"
              aria-label={`Decline ${r.from.displayName}`}
              onClick={() => decline.mutate({ requestId: r.id })}
            >
              Decline
            </button>
          </PersonRow>
        ))}
      </ul>
    </section>
  );
}
