# SPDX-License-Identifier: Apache-2.0
bin_PROGRAMS += redrun
redrun_SOURCES = \
	src/redrun/commands.h \
	src/redrun/commands.c \
	src/redrun/main.c \
	src/redrun/cmd_version.c \
	src/redrun/cmd_spec.c \
	src/redrun/cmd_features.c
redrun_SOURCES += src/redrun/cmd_common.h src/redrun/cmd_create.c src/redrun/cmd_start.c \
	src/redrun/cmd_run.c src/redrun/cmd_state.c src/redrun/cmd_kill.c src/redrun/cmd_delete.c \
	src/redrun/cmd_list.c src/redrun/cmd_exec.c
redrun_SOURCES += src/redrun/cmd_pause.c src/redrun/cmd_resume.c src/redrun/cmd_update.c \
	src/redrun/cmd_events.c src/redrun/cmd_ps.c
redrun_LDADD = librros.a librrcore.a libocispec-lite.a librrcore.a \
	$(YAJL_LIBS) $(REDRUN_SECCOMP_LIBS)
if LAZY_SECCOMP
redrun_SOURCES += src/redrun/lazy_seccomp.c
endif
dist_man_MANS += man/redrun.8
