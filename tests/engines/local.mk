# SPDX-License-Identifier: Apache-2.0
# Engine suite: podman/conmon and containerd/ctr driving an OCI runtime, end to end.
# Not part of `make check` (needs podman + containerd from contrib/install-deps.sh --all
# and takes about a minute):
#   make check-engines                  the built redrun
#   make check-engines RUNTIME=runc     the reference runtime (proves the suite itself)
# ENGINES_KEEP=1 keeps each file's temp dir (/tmp/rr-podman.*, /tmp/rr-ctrd.*).
ENGINE_TESTS = tests/engines/podman.bats tests/engines/containerd.bats
EXTRA_DIST += $(ENGINE_TESTS) tests/engines/helpers.bash tests/engines/make-oci-image.sh \
	tests/engines/runtime-log.sh
RUNTIME = $(abs_top_builddir)/redrun
# the whole suite is bounded; each engine command also has its own timeout
ENGINES_TIMEOUT = 600

check-engines: $(bin_PROGRAMS)
	RUNTIME='$(RUNTIME)' timeout -k 10 $(ENGINES_TIMEOUT) \
		bats --tap $(addprefix $(abs_top_srcdir)/,$(ENGINE_TESTS))

.PHONY: check-engines
