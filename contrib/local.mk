# SPDX-License-Identifier: Apache-2.0
# Engine configuration examples and red-pak templates (installed as docs).

# Engine configuration examples (podman, containerd, Kubernetes), installed as docs.
podmandocdir = $(docdir)/podman
dist_podmandoc_DATA = contrib/podman/containers.conf
containerddocdir = $(docdir)/containerd
dist_containerddoc_DATA = contrib/containerd/config.toml
kubernetesdocdir = $(docdir)/kubernetes
dist_kubernetesdoc_DATA = contrib/kubernetes/runtimeclass.yaml contrib/kubernetes/README.md
