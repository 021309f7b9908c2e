// Restart the MongoDB stand-in (H2 file) for 5 s under mixed load: no document and no play lost.
import { type Drill, docCounts, readyz } from '../context';
import { print } from '../load';
import { restartUnderMixedLoad } from '../outage';

export const mongoDrill: Drill = {
  name: 'mongo',
  title: 'restart MongoDB (stand-in, H2 file; stop, 5 s down, start on the same port)',
  async run() {
    const { c, r, at, before, verified } = await restartUnderMixedLoad('mongo', { beforeLoad: docCounts });
    const after = await docCounts();
    print(this.title, r, at, {
      ...verified,
      'documents before → after (users, songs, play events)': `${before?.join('/')} → ${after.join('/')}`,
      'processes restarted by hand': 'none',
      'worker ready after': await readyz(c.w),
    });
  },
};
