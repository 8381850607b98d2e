# SPDX-License-Identifier: Apache-2.0
# rp2oci's cgroup folding checked against a real cgroup v2 hierarchy, in the
# VM of tests/vm/local.mk (the host here is hybrid).
EXTRA_DIST += tests/vm/rp2oci-cgroup.bats

check-rp2oci-vm: redrun rp2oci
	$(top_srcdir)/tests/vm/vmrun.sh $(VMRUN_FLAGS) \
		-S $(abs_top_srcdir):$(abs_top_srcdir) -S $(abs_top_builddir):$(abs_top_builddir) \
		$(top_srcdir)/tests/vm/run-in-vm.sh $(abs_top_builddir) $(abs_top_srcdir) \
		$(abs_top_srcdir)/tests/vm/rp2oci-cgroup.bats

.PHONY: check-rp2oci-vm
