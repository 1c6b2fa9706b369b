/**
 * taskMigrate: the guest scheduler moves a task to another vCPU, possibly in the middle of a
 * clock read (between getcpu and rdtsc, say).
 *
 * Enabled: for each task that has migrated fewer times than the scenario allows, to each other vCPU.
 * Changes: the task's vCPU. Abstracts: the guest scheduler's migration (set_task_cpu); the vDSO
 * reader cannot disable it, unlike the guest kernel's own reads.
 */
import type { ActionOf } from '../actions.ts';
import { setTask } from '../guestReads.ts';
import type { Transition } from '../transition.ts';

export const taskMigrate: Transition<'taskMigrate'> = {
  kind: 'taskMigrate',
  enabled: (s, cfg) => {
    const actions: ActionOf<'taskMigrate'>[] = [];
    s.tasks.forEach((task, index) => {
      if (task.migrations >= cfg.limits.taskMigrations) return;
      for (let to = 0; to < s.vcpus.length; to++) {
        if (to !== task.vcpu) actions.push({ kind: 'taskMigrate', task: index, to });
      }
    });
    return actions;
  },
  apply: (d, { task, to }, _cfg, s) => {
    const t = s.tasks[task]!;
    setTask(d, s, task, { ...t, vcpu: to, migrations: t.migrations + 1 });
  },
};
