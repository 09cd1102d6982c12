/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vendproto.h - the vending socket's protocol: its messages, built and
 * parsed.  SOCK_SEQPACKET, one message per datagram:
 *   primary -> client, on connect:  "vfbuf-vend 1 DESCRIPTION" + the fd
 *   client -> primary:              "revoke"
 *   primary -> client:              "ok revoked" | "error CODE WHY"
 * DESCRIPTION is key=value words (vf_vend_format_desc); CODE is the exit
 * status the primary's own refusal had (69: the kernel lacks the series),
 * so the client exits as the primary would have.
 *
 * Core layer, pure: every function reads its arguments and fills its
 * outputs (tests/fuzz/fuzz_vend.c).
 */
#ifndef VFBUF_VENDPROTO_H
#define VFBUF_VENDPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>


#define VF_VEND_MAGIC "vfbuf-vend 1 " /* then the description */
#define VF_VEND_MSG_MAX 1024
#define VF_VEND_REQ_REVOKE "revoke"
#define VF_VEND_REPLY_OK "ok revoked"
#define VF_VEND_REPLY_ERROR "error " /* then CODE, a space, WHY */

/* What a primary says of the buffer it vends. */
struct vf_vend_desc {
	bool has_size, has_inode, has_bar;
	uint64_t size, inode;
	char device[32]; /* "" when absent */
	unsigned int bar;
	char ranges[VF_VEND_MSG_MAX]; /* "OFF+LEN,...", "" when absent */
	char name[64];
	int rdonly; /* access=ro 1, rw 0, -1 absent */
	int wc;     /* wc=1 1, wc=0 0, -1 absent */
};
#define VF_VEND_DESC_INIT { .rdonly = -1, .wc = -1 }

/* "size=S inode=I device=BDF bar=N ranges=R name=NAME access=rw|ro wc=0|1" */
void vf_vend_format_desc(const struct vf_vend_desc *d, char *out, size_t sz);
/* The keys of a description that vfbuf knows; others are ignored, a value
 * that does not parse leaves its field absent.  Always fills *out. */
void vf_vend_parse_desc(const char *s, struct vf_vend_desc *out);

/* The primary's greeting: returns DESCRIPTION (inside msg), or NULL when
 * msg is not vfbuf's vending protocol. */
const char *vf_vend_parse_hello(const char *msg);
/* A client's request: true for "revoke", false for anything else. */
bool vf_vend_parse_revoke(const char *msg);

/* The primary's reply to "revoke". */
enum vf_vend_reply_kind {
	VF_VEND_UNEXPECTED = 0, /* neither of the two below */
	VF_VEND_REVOKED,        /* "ok revoked" */
	VF_VEND_REFUSED,        /* "error CODE WHY" */
};
struct vf_vend_reply {
	enum vf_vend_reply_kind kind;
	const char *why; /* VF_VEND_REFUSED: WHY (inside msg), else NULL */
	int code;        /* VF_VEND_REFUSED: CODE (1 when the reply has none), else 0 */
};
void vf_vend_parse_reply(const char *msg, struct vf_vend_reply *out);
/* "error CODE WHY" into out. */
void vf_vend_format_refusal(char *out, size_t sz, int code, const char *why);

/* Make text a peer sent safe to print: every ASCII control character
 * (escape sequences start with one) becomes '?'.  In place; returns s. */
char *vf_printable(char *s);

#endif /* VFBUF_VENDPROTO_H */
