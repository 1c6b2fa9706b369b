/**
 * taskMigrate: the guest scheduler moves a task to another vCPU, possibly in the middle of a
 * clock read (between getcpu and rdtsc, say).
 *
 * Enabled: for each task that has migrated fewer times than the scenario allows, to each other vCPU,
 * while the task's vCPU runs guest code (not paused by the VMM).
 * Changes: the task's vCPU. Abstracts: the guest scheduler's migration (set_task_cpu); the vDSO
 * reader cannot disable it, unlike the guest kernel's own reads.
 */
import type { ActionOf } from '../actions.ts';
import { NO_ACTIONS, sharedAction, withAction } from '../sharedActions.ts';
import { setTask, taskWith } from '../guestReads.ts';
import type { Transition } from '../transition.ts';

type TaskMigrate = ActionOf<'taskMigrate'>;

const shared: TaskMigrate[][] = [];
const make = (task: number, to: number): TaskMigrate => ({ kind: 'taskMigrate', task, to });

export const taskMigrate: Transition<'taskMigrate'> = {
  kind: 'taskMigrate',
  enabled: (s, cfg) => {
    let actions: TaskMigrate[] | undefined;
    const vcpus = s.vcpus.length;
    for (let task = 0; task < s.tasks.length; task++) {
      const t = s.tasks[task]!;
      if (t.migrations >= cfg.limits.taskMigrations || s.vcpus[t.vcpu]!.paused) continue;
      for (let to = 0; to < vcpus; to++) {
        if (to !== t.vcpu) actions = withAction(actions, sharedAction(shared, task, to, make));
      }
    }
    return actions ?? NO_ACTIONS;
  },
  apply: (d, { task, to }, _cfg, s) => {
    const t = s.tasks[task]!;
    setTask(d, s, task, taskWith(t, to, t.read, t.reads, t.migrations + 1));
  },
};
