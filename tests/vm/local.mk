# SPDX-License-Identifier: Apache-2.0
# cgroup v2 suite in a QEMU VM (Debian's kernel, pure cgroup v2, every
# controller): the host here is hybrid, so limits are proven there.
CGROUP_VM_FILES = tests/vm/vmrun.sh tests/vm/vm-kernel.sh tests/vm/run-in-vm.sh
EXTRA_DIST += $(CGROUP_VM_FILES) tests/vm/cgroup.bats
VMRUN_FLAGS ?= -t 900 -M loop -M veth -M rdma_rxe -M crc32_generic

check-cgroup-vm: redrun
	$(top_srcdir)/tests/vm/vmrun.sh $(VMRUN_FLAGS) \
		-S $(abs_top_srcdir):$(abs_top_srcdir) -S $(abs_top_builddir):$(abs_top_builddir) \
		$(top_srcdir)/tests/vm/run-in-vm.sh $(abs_top_builddir) $(abs_top_srcdir)

.PHONY: check-cgroup-vm
