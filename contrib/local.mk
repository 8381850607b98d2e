# SPDX-License-Identifier: Apache-2.0
# Engine configuration examples and red-pak templates (installed as docs).
