// Restart the single Redis node (AOF) for 5 s under mixed load: 503s while it is away, no play lost.
import { type Drill, readyz } from '../context';
import { print } from '../load';
import { restartUnderMixedLoad } from '../outage';

export const redisDrill: Drill = {
  name: 'redis',
  title: 'restart Redis (stop, 5 s down, start on the same port)',
  async run() {
    const { c, r, at, verified } = await restartUnderMixedLoad('redis');
    print(this.title, r, at, {
      ...verified,
      'processes restarted by hand': 'none',
      'worker ready after': await readyz(c.w),
    });
  },
};
