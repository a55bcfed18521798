// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/mhv/<tgid>-<n>/stats: one VM's memory in text. The mhv
 * directory lives while any VM does (no module-wide setup needed); <n>
 * counts VMs since load, so names never repeat. debugfs removal waits for
 * readers, so a VM's file never outlives its mmu.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "mmu/mmu_priv.h"

static DEFINE_MUTEX(debugfs_lock);
static struct dentry *debugfs_root;	/* mhv/, while VMs exist */
static unsigned int debugfs_users;
static atomic_t debugfs_seq = ATOMIC_INIT(0);

static int stats_show(struct seq_file *m, void *unused)
{
	struct mhv_mmu *mmu = m->private;
	struct mhv_mmu_stats st;

	mhv_mmu_get_stats(mmu, &st);
	seq_printf(m, "pages_mapped %llu\n", st.pages_mapped);
	seq_printf(m, "pages_2m %llu\n", st.pages_2m * MHV_EPT_PAGES_2M);
	seq_printf(m, "leaves_2m %llu\n", st.pages_2m);
	seq_printf(m, "pages_pinned %llu\n", st.pages_pinned);
	seq_printf(m, "max_pages %llu\n", st.max_pages);
	seq_printf(m, "pool_total %llu\n", st.pool_total);
	seq_printf(m, "pool_used %llu\n", st.pool_used);
	seq_printf(m, "faults %llu\n", st.faults);
	seq_printf(m, "ept_faults %llu\n", st.mapped_faults);
	seq_printf(m, "mmio_faults %llu\n", st.mmio_faults);
	seq_printf(m, "splits %llu\n", st.splits);
	seq_printf(m, "balloon_pages %llu\n", st.balloon_pages);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

void mhv_mmu_debugfs_add(struct mhv_mmu *mmu)
{
	char name[32];

	snprintf(name, sizeof(name), "%d-%d", task_tgid_nr(current),
		 atomic_inc_return(&debugfs_seq));
	mutex_lock(&debugfs_lock);
	if (!debugfs_users++)
		debugfs_root = debugfs_create_dir("mhv", NULL);
	/* debugfs failures are not the VM's: the calls below accept error dentries. */
	mmu->priv->debugfs = debugfs_create_dir(name, debugfs_root);
	debugfs_create_file("stats", 0444, mmu->priv->debugfs, mmu, &stats_fops);
	mutex_unlock(&debugfs_lock);
}

void mhv_mmu_debugfs_remove(struct mhv_mmu *mmu)
{
	if (!mmu->priv->debugfs)
		return;
	mutex_lock(&debugfs_lock);
	debugfs_remove_recursive(mmu->priv->debugfs);
	mmu->priv->debugfs = NULL;
	if (!--debugfs_users) {
		debugfs_remove(debugfs_root);
		debugfs_root = NULL;
	}
	mutex_unlock(&debugfs_lock);
}
