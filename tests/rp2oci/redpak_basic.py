#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Replay red-pak's own tests/basic against rp2oci.

usage: redpak_basic.py RP2OCI REFERENCES_DIR [WORKDIR]

REFERENCES_DIR is tests/basic/references of a red-pak 2.5.1 checkout (read,
never copied). Each reference holds two one-key configs (CONF1, CONF2) and,
for five trees (one node with CONF1 normal + CONF2 admin; a root with CONF1
in its normal or admin config and a child with CONF2 in its normal or admin
config), the bwrap arguments redwrap dumps in normal and admin mode. This
script builds the same trees, runs rp2oci on each, reduces both the bwrap
arguments and the config.json to the same set of facts (redpak-format.md §6:
mounts, environment, namespaces, hostname, cwd, capabilities, die-with-parent,
new-session, errors) and compares them. Prints TAP; exit 1 on any mismatch.
"""
import json
import os
import re
import shutil
import subprocess
import sys

ALL_CAPS = 41


def norm(s):
    """Paths as rp2oci emits them: no `//`, no `/` before `:` or at the end."""
    s = re.sub(r"/{2,}", "/", s)
    s = re.sub(r"(?<=.)/(?=:|$)", "", s)
    return s


def parse_reference(text):
    """-> conf1 text, conf2 text, list of (tree, admin?, dump lines or None)"""
    confs = re.findall(r"== CONF[12] (\S+)\n=+\n(.*?)\n\n=", text, re.S)
    runs = []
    cur = None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        m = re.match(r"redwrap\s+(--admin\s+)?--dump-only --redpath (\S+)", line)
        if m:
            cur = {"admin": bool(m.group(1)), "tree": m.group(2), "args": [], "error": False}
            runs.append(cur)
            continue
        if cur is None:
            continue
        if line.startswith("DUMP:"):
            continue
        if line.startswith("[ERROR]"):
            cur["error"] = True
        elif line.startswith("  --"):
            cur["args"].append(line[2:])
        elif line.startswith("==="):
            cur = None
        elif cur["args"] and nxt.startswith("  --") and not line.startswith("redconf"):
            # continuation of a value holding a newline (--setenv VAR HELLO\n)
            cur["args"][-1] += "\n" + line
    return confs, runs


def facts_from_bwrap(args):
    mounts, env, ns, caps = set(), {}, set(), []
    f = {"hostname": None, "cwd": "/", "die": False, "session": False}
    for a in args:
        a = a.rstrip("\n") if a.startswith("--setenv") else a
        parts = a.split(" ", 2)
        op = parts[0]
        if op in ("--bind", "--ro-bind"):
            src, dst = a.split(" ")[1:3]
            mounts.add("bind %s %s %s" % (norm(dst), norm(src), "ro" if op == "--ro-bind" else "rw"))
        elif op in ("--dir", "--tmpfs"):
            mounts.add("tmpfs " + norm(parts[1]))
        elif op in ("--proc", "--dev", "--mqueue"):
            mounts.add(op[2:] + " " + norm(parts[1]))
        elif op == "--file":
            mounts.add("file " + norm(a.split(" ")[2]))
        elif op == "--symlink":
            src, dst = a.split(" ")[1:3]
            mounts.add("symlink %s %s" % (norm(dst), src))
        elif op == "--lock-file":
            mounts.add("lock " + norm(parts[1]))
        elif op == "--setenv":
            key, _, val = a[len("--setenv "):].partition(" ")
            env[key] = norm(val) if key in ("PATH", "LD_LIBRARY_PATH") else val.rstrip("\n")
        elif op == "--unsetenv":
            env.pop(parts[1], None)
        elif op.startswith("--unshare-"):
            ns.add({"net": "network"}.get(op[10:], op[10:]))
        elif op == "--hostname":
            f["hostname"] = parts[1]
        elif op == "--chdir":
            f["cwd"] = norm(parts[1])
        elif op == "--die-with-parent":
            f["die"] = True
        elif op == "--new-session":
            f["session"] = True
        elif op in ("--cap-add", "--cap-drop"):
            caps.append((op == "--cap-add", parts[1].upper()))
        elif op == "--share-net":
            pass
        else:
            raise ValueError("unknown bwrap argument " + a)
    f.update(mounts=mounts, env=env, ns=ns, capops=caps)
    return f


def facts_from_oci(cfg, base):
    def strip(s):
        return norm(s.replace(base, ""))

    mounts = set()
    devs = [m["destination"] for m in cfg.get("mounts", []) if "strictatime" in m.get("options", [])]
    for m in cfg.get("mounts", []):
        d = strip(m["destination"])
        t = m["type"]
        if t == "tmpfs" and "strictatime" in m.get("options", []):
            mounts.add("dev " + d)
        elif any(m["destination"] in (x + "/pts", x + "/shm") for x in devs) and t in ("devpts", "tmpfs"):
            continue
        elif t == "bind" and m["source"].startswith("redpak-files/"):
            mounts.add("file " + d)
        elif t == "bind":
            mounts.add("bind %s %s %s" % (d, strip(m["source"]), "ro" if "ro" in m["options"] else "rw"))
        else:
            mounts.add("%s %s" % (t, d))
    ann = cfg.get("annotations", {})
    for link, target in json.loads(ann.get("bzh.redpesk.redpak.symlinks", "{}")).items():
        mounts.add("symlink %s %s" % (strip(link), target))
    for lock in json.loads(ann.get("bzh.redpesk.redpak.lock-files", "[]")):
        mounts.add("lock " + strip(lock))
    env = {}
    for kv in cfg["process"].get("env", []):
        k, _, v = kv.partition("=")
        env[k] = strip(v) if k in ("PATH", "LD_LIBRARY_PATH") else v
    ns = {n["type"] for n in cfg["linux"].get("namespaces", [])} - {"mount"}
    return {
        "mounts": mounts, "env": env, "ns": ns,
        "hostname": cfg.get("hostname"), "cwd": strip(cfg["process"]["cwd"]) or "/",
        "die": ann.get("bzh.redpesk.redpak.die-with-parent") == "true",
        "session": ann.get("bzh.redpesk.redpak.new-session") == "true",
        "caps": set(cfg["process"]["capabilities"]["bounding"]),
        "uid": cfg["process"]["user"]["uid"],
    }


def expected_caps(ops, uid):
    names = None  # filled lazily from rp2oci's own full set
    return ops, uid, names


def write_node(path, alias, conf_text, admin_text):
    os.makedirs(path + "/etc", exist_ok=True)

    def body(t):
        # drop the template's headers block, keep the rest
        out, skip = [], False
        for line in t.split("\n"):
            if line and not line[0].isspace() and not line.startswith("-"):
                skip = line.lower().startswith("headers:")
            if not skip:
                out.append(line)
        return "\n".join(out)

    with open(path + "/etc/redpak.yaml", "w") as f:
        f.write("headers:\n  alias: %s\n  name: %s-uuid\n  info: info\n%s\n" % (alias, alias, body(conf_text)))
    with open(path + "/etc/redpak-admin.yaml", "w") as f:
        f.write("headers:\n  alias: admin-of-%s\n  name: %s-uuid\n  info: info\n%s\n"
                % (alias, alias, body(admin_text)))
    with open(path + "/.rednode.yaml", "w") as f:
        f.write("realpath: %s\ntimestamp: 1\nstate: Enable\n" % path)


def build_tree(base, tree, confs):
    """tree: node/C1/C2 | rootXY/C1/C2 as in red-pak's test script"""
    texts = dict(confs)
    null = "headers:\n  alias: alias\n"
    kind, c1, c2 = tree.split("/")
    root = os.path.join(base, "rednodes")
    if kind == "node":
        write_node(os.path.join(root, tree), "NODE", texts[c1], texts.get(c2, null) if c2 != "NULL" else null)
        return
    t1 = texts.get(c1, null) if c1 != "NULL" else null
    t2 = texts.get(c2, null) if c2 != "NULL" else null
    rn, ra = (t1, null) if kind[4] == "n" else (null, t1)
    sn, sa = (t2, null) if kind[5] == "n" else (null, t2)
    write_node(os.path.join(root, kind, c1), "ROOT", rn, ra)
    write_node(os.path.join(root, kind, c1, c2), "SUBNODE", sn, sa)


def main():
    rp2oci, refdir = sys.argv[1], sys.argv[2]
    work = sys.argv[3] if len(sys.argv) > 3 else "/tmp/rp2oci-redpak-basic"
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "CGROUPS_MOUNT_POINT": "/sys/fs/cgroup"}
    n = failed = deviations = 0
    full = None
    for ref in sorted(os.listdir(refdir)):
        text = open(os.path.join(refdir, ref)).read()
        confs, runs = parse_reference(text)
        # the NULL config may appear in CONF2 only by name
        confs = [(name, body) for name, body in confs]
        base = os.path.join(work, ref)
        for r in runs:
            n += 1
            build_tree(base, r["tree"], confs)
            bundle = os.path.join(base, "bundle-%d" % n)
            cmd = [rp2oci, "--redpath", os.path.join(base, "rednodes", r["tree"]), "--bundle", bundle]
            if r["admin"]:
                cmd.insert(1, "--admin")
            p = subprocess.run(cmd, env=env, capture_output=True, text=True)
            name = "%s %s%s" % (ref, r["tree"].split("/")[0], " --admin" if r["admin"] else "")
            if r["error"]:
                ok = p.returncode != 0
                print("%s %d - %s: redwrap refuses, rp2oci %s" % ("ok" if ok else "not ok", n, name,
                      "refuses: " + p.stderr.strip() if ok else "accepts"))
                failed += not ok
                continue
            want = facts_from_bwrap(r["args"])
            if p.returncode != 0:
                # §7: an Internal export whose path is not an fd is an error for rp2oci
                if "Internal path" in p.stderr and any(a.startswith("--file /") for a in r["args"]):
                    deviations += 1
                    print("ok %d - %s # documented deviation: %s" % (n, name, p.stderr.strip()))
                else:
                    failed += 1
                    print("not ok %d - %s: rp2oci failed: %s" % (n, name, p.stderr.strip()))
                continue
            got = facts_from_oci(json.load(open(bundle + "/config.json")), base)
            if full is None and got["uid"] == 0 and not want["capops"]:
                full = got["caps"]
            problems = []
            for k in ("mounts", "env", "hostname", "cwd", "die", "session"):
                if want[k] != got[k]:
                    problems.append("%s: bwrap %r, rp2oci %r" % (k, want[k], got[k]))
            wns = set(want["ns"])
            if "time" in got["ns"]:
                # redwrap clones the user namespace itself on the time path (§6.3 quirk)
                if "user" in wns:
                    problems.append("time namespace but bwrap got --unshare-user")
                wns |= {"time"} | ({"user"} & got["ns"])
            if wns != got["ns"]:
                problems.append("namespaces: bwrap %s, rp2oci %s" % (sorted(wns), sorted(got["ns"])))
            if full is not None or got["uid"] != 0:
                caps = set(full) if got["uid"] == 0 else set()
                for add, c in want["capops"]:
                    if c == "ALL":
                        caps = set(full) if add else set()
                    elif add:
                        caps.add(c)
                    else:
                        caps.discard(c)
                if caps != got["caps"]:
                    problems.append("capabilities: bwrap %s, rp2oci %s" % (sorted(caps ^ got["caps"]), ""))
            if problems:
                failed += 1
                print("not ok %d - %s" % (n, name))
                for pr in problems:
                    print("#   " + pr)
            else:
                print("ok %d - %s" % (n, name))
    print("1..%d" % n)
    print("# %d dumps compared, %d mismatches, %d documented deviations" % (n, failed, deviations))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
