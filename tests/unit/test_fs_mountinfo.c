/* SPDX-License-Identifier: Apache-2.0 */
/* mountinfo parsing, which mounts are visible, and the cgroup bind source
 * built from the visible cgroup2 mount (no system access). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libredrun/core/util.h"
#include "libredrun/os/fs/plan.h"
#include "tap.h"

/* A hybrid host, then cgroup2 mounted on /sys/fs/cgroup in a private mount
 * namespace: the v2 mount at /sys/fs/cgroup/unified is now hidden. */
static const char hybrid_then_v2[] =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
    "23 22 0:20 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw\n"
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "50 31 0:38 / /sys/fs/cgroup rw,relatime - cgroup2 none rw\n";

static const char *pick_mp(const char *text, const char *fstype, const char *prefer, char *buf,
                           size_t len)
{
  size_t n;
  struct rr_fs_mountinfo *v = rr_fs_mountinfo_parse(text, &n);
  const struct rr_fs_mountinfo *m = rr_fs_mountinfo_pick(v, n, fstype, prefer);
  const char *r = NULL;
  if (m) {
    snprintf(buf, len, "%s %s", m->mountpoint, m->root);
    r = buf;
  }
  rr_fs_mountinfo_free(v, n);
  return r;
}

static void test_parse(void)
{
  size_t n;
  struct rr_fs_mountinfo *v = rr_fs_mountinfo_parse(hybrid_then_v2, &n);
  TAP_OK(n == 6, "six entries parsed (%zu)", n);
  TAP_OK(v[0].id == 22 && strcmp(v[0].fstype, "ext4") == 0,
         "id and type after the optional fields");
  TAP_OK(v[0].visible && v[1].visible, "later mounts below / and /sys hide neither");
  TAP_OK(!v[2].visible && !v[3].visible && !v[4].visible,
         "the later mount on /sys/fs/cgroup hides the tmpfs, memory and unified");
  TAP_OK(v[5].visible, "the last mount is visible");
  rr_fs_mountinfo_free(v, n);

  v = rr_fs_mountinfo_parse("7 1 0:5 /a\\040b /mnt/x\\040y rw - tmpfs t rw\n"
                            "garbage line\n"
                            "8 1 0:6 / /mnt/x rw shared:3 master:2 - tmpfs t rw\n"
                            "9 1 0:7 / /mnt/x\\040y/z rw\n",
                            &n);
  TAP_OK(n == 2, "lines without a type are skipped (%zu)", n);
  TAP_STR_EQ(v[0].root, "/a b", "root unescaped");
  TAP_STR_EQ(v[0].mountpoint, "/mnt/x y", "mount point unescaped");
  TAP_OK(v[0].visible, "/mnt/x is not an ancestor of /mnt/x y");
  TAP_OK(v[1].visible && v[1].id == 8, "several optional fields");
  rr_fs_mountinfo_free(v, n);
}

static void test_pick(void)
{
  char buf[256];
  TAP_STR_EQ(pick_mp(hybrid_then_v2, "cgroup2", NULL, buf, sizeof(buf)), "/sys/fs/cgroup /",
             "the visible cgroup2 mount, not the hidden one listed first");
  TAP_STR_EQ(pick_mp(hybrid_then_v2, "cgroup2", "/sys/fs/cgroup/unified/c1", buf, sizeof(buf)),
             "/sys/fs/cgroup /", "a hidden mount is never picked, even when preferred");

  /* the hybrid host as it is */
  const char hybrid[] = "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
                        "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
                        "42 31 0:38 /sub /mnt/cg rw - cgroup2 cgroup2 rw\n";
  TAP_STR_EQ(pick_mp(hybrid, "cgroup2", NULL, buf, sizeof(buf)), "/sys/fs/cgroup/unified /",
             "hybrid: the first visible cgroup2 mount");
  TAP_STR_EQ(pick_mp(hybrid, "cgroup2", "/mnt/cg/c1", buf, sizeof(buf)), "/mnt/cg /sub",
             "the visible mount holding the preferred path");
  TAP_STR_EQ(pick_mp(hybrid, "cgroup2", "/c1", buf, sizeof(buf)), "/sys/fs/cgroup/unified /",
             "a path held by none: the first visible mount");
  TAP_OK(pick_mp(hybrid, "cgroup", NULL, buf, sizeof(buf)) == NULL, "no such type: none");
  TAP_OK(pick_mp("41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
                 "50 22 0:28 / /sys rw - tmpfs tmpfs rw\n",
                 "cgroup2", NULL, buf, sizeof(buf)) == NULL,
         "a later mount on an ancestor (/sys) hides the only cgroup2 mount");
}

static void source_is(const char *mp, const char *root, const char *cg, const char *want)
{
  char *got = rr_fs_cgroup_source(mp, root, cg);
  TAP_STR_EQ(got, want, "source of `%s` through `%s` (root `%s`)", cg, mp, root);
  free(got);
}

static void test_source(void)
{
  source_is("/sys/fs/cgroup", "/", "/sys/fs/cgroup/c1", "/sys/fs/cgroup/c1");
  source_is("/sys/fs/cgroup/unified", "/", "/sys/fs/cgroup/unified/a/c1",
            "/sys/fs/cgroup/unified/a/c1");
  source_is("/sys/fs/cgroup/unified", "/", "/c1", "/sys/fs/cgroup/unified/c1");
  source_is("/sys/fs/cgroup", "/", "/a/c1", "/sys/fs/cgroup/a/c1");
  source_is("/sys/fs/cgroup", "/", "c1", "/sys/fs/cgroup/c1");
  /* a mount of a subtree shows the hierarchy's /pod/c1 as <mp>/c1 */
  source_is("/sys/fs/cgroup", "/pod", "/pod/c1", "/sys/fs/cgroup/c1");
  source_is("/sys/fs/cgroup", "/pod", "/pod", "/sys/fs/cgroup");
  source_is("/sys/fs/cgroup", "/pod", "/podx/c1", NULL);
  source_is("/sys/fs/cgroup", "/pod", "/other/c1", NULL);
}

int main(void)
{
  test_parse();
  test_pick();
  test_source();
  return tap_done();
}
