/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RR_STATE_H
#define RR_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "libredrun/core/error.h"
#include "libredrun/core/json.h"
#include "oci_types.h"

/*
 * The state of one container lives in <root>/<id>/:
 *   state.json   what the runtime knows (written to a temp name then renamed,
 *                so readers never see it torn and never need a lock);
 *   config.json  frozen copy of the bundle's config, parsed once at create;
 *   exec.fifo    present from create to start: the container process is
 *                blocked reading it (status "created").
 * The directory itself is the lock: flock(LOCK_EX) for transitions
 * (create, start, kill, delete), none for readers (state, list).
 */

#define RR_STATE_FILE "state.json"
#define RR_STATE_CONFIG "config.json"
#define RR_STATE_FIFO "exec.fifo"

enum rr_status {
  RR_STATUS_CREATING = 0,
  RR_STATUS_CREATED,
  RR_STATUS_RUNNING,
  RR_STATUS_STOPPED,
  RR_STATUS_PAUSED,
};

/* An open container directory (locked or not). */
struct rr_cdir {
  int root_fd;
  int fd; /* the container directory, also the flock target */
  char *id;
  char *path; /* <root>/<id> */
};

struct rr_state {
  char *id;
  pid_t pid;                     /* in the runtime's pid namespace, 0 if none */
  unsigned long long start_time; /* field 22 of /proc/<pid>/stat: detects pid reuse */
  char *boot_id;                 /* the state root may outlive a reboot (/run on disk) */
  char *bundle;
  char *rootfs;
  char *created; /* RFC 3339, UTC */
  uid_t owner;
  char *cgroup_path; /* absolute, NULL without cgroup */
  bool own_pid_ns;   /* the container has its own pid namespace */
  bool late_hooks;   /* poststart or poststop hooks in the config (true when not recorded) */
  oci_string_map *annotations; /* the config's, or NULL; owned */
};

/* Open (creating it 0711 if needed) the state root. */
int rr_state_root_open(const char *root, int *out_fd, struct rr_error **err) RR_WUR;
/* Claim a new container directory with an atomic mkdir: EEXIST becomes
 * "container `id` already exists" (RR_ERR_EXISTS). The result is locked LOCK_EX. */
int rr_state_claim(const char *root, const char *id, struct rr_cdir **out,
                   struct rr_error **err) RR_WUR;
/* Open an existing container directory: "container does not exist" (RR_ERR_NOT_FOUND).
 * lock is LOCK_EX, LOCK_SH or 0. */
int rr_state_open(const char *root, const char *id, int lock, struct rr_cdir **out,
                  struct rr_error **err) RR_WUR;
void rr_cdir_free(struct rr_cdir *d);

/* Write state.json atomically. */
int rr_state_write(const struct rr_cdir *d, const struct rr_state *st,
                   struct rr_error **err) RR_WUR;
/* Read state.json; a missing file is RR_ERR_NOT_FOUND (a create in progress or
 * one that crashed), a corrupted one an RR_ERR_INVALID naming the file. */
int rr_state_read(const struct rr_cdir *d, struct rr_state **out, struct rr_error **err) RR_WUR;
void rr_state_free(struct rr_state *st);

/* Write a file of the state directory atomically (temp + renameat). */
int rr_state_write_file(const struct rr_cdir *d, const char *name, const char *data, size_t len,
                        struct rr_error **err) RR_WUR;
/* Write a file that does not exist yet, in place (O_EXCL, no rename): for
 * the files create writes while it holds the lock, before state.json exists,
 * which nobody reads until then. */
int rr_state_write_new_file(const struct rr_cdir *d, const char *name, const char *data, size_t len,
                            struct rr_error **err) RR_WUR;
/* Remove the directory and everything in it; ENOENT is not an error. */
int rr_state_remove(struct rr_cdir *d, struct rr_error **err) RR_WUR;

/* The live status: the recorded pid must still be the same process (start
 * time, boot id); created while the exec fifo exists; paused when the cgroup
 * is frozen. */
enum rr_status rr_state_status(const struct rr_cdir *d, const struct rr_state *st);
const char *rr_status_name(enum rr_status s);
/* True when pid is the process recorded in st (alive, not a zombie, same start). */
bool rr_state_pid_alive(const struct rr_state *st);

/* The OCI state document (ociVersion, id, status, pid, bundle, annotations)
 * plus runc's extra fields (rootfs, created, owner), written to g as member
 * `key` (NULL: an array element or the top value). The pid is 0 once the
 * container stopped, as runc reports it, unless keep_pid (hooks are told
 * which process the container had). */
void rr_state_to_json(struct rr_json *g, const char *key, const struct rr_state *st,
                      enum rr_status status, bool keep_pid);

/* Ids of every container directory under root, sorted; *ids NULL-terminated. */
int rr_state_list_ids(const char *root, char ***ids, struct rr_error **err) RR_WUR;

/* Start time (field 22) and state letter (field 3) of /proc/<pid>/stat. */
int rr_proc_stat(pid_t pid, unsigned long long *start_time, char *state,
                 struct rr_error **err) RR_WUR;
/* This boot's id, malloc'd, or NULL when unreadable. */
char *rr_boot_id(void);

#endif
