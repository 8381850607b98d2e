/* SPDX-License-Identifier: Apache-2.0 */
/* Keeps the library non-empty until its first module lands. */
int rr_os_placeholder;
