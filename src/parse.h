/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.h - pure parsers over strings: numbers and ranges, /proc/PID/maps
 * lines, fdinfo text, PCI addresses and dma-buf names (the vending
 * socket's messages are vendproto.h's).
 *
 * Core layer.  Nothing here touches the file system, allocates memory or
 * keeps state: every function reads its arguments and fills its outputs,
 * which makes them easy to test and to fuzz (tests/fuzz/).
 */
#ifndef VFBUF_PARSE_H
#define VFBUF_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit, or -1. */
int vf_hexval(int c);

/* The digits in base 8, 10 or 16 at the start of s[0..len), into *out.
 * Returns how many there are (0 if none), or -ERANGE when they do not fit
 * 64 bits. */
int vf_digits_u64(const char *s, size_t len, unsigned int base, uint64_t *out);

/* Numbers: decimal, 0x-hex, with an optional K/M/G/T suffix (powers of
 * 1024; "KiB" and "K" alike).  Returns 0, -EINVAL (not a number) or
 * -ERANGE (does not fit 64 bits). */
int vf_parse_u64(const char *s, uint64_t *out);

/* "OFFSET:LENGTH", each a vf_parse_u64 number.  Same returns. */
int vf_parse_range(const char *s, uint64_t *off, uint64_t *len);

/* One line of /proc/PID/maps.  The path points into the caller's line
 * (not NUL-terminated: use path_len); it may be empty (anonymous).
 * A trailing " (deleted)" is removed from the path and flagged. */
struct vf_maps_line {
	uint64_t start, end;
	char perms[5];
	uint64_t offset;
	unsigned int dev_major, dev_minor;
	uint64_t inode;
	const char *path;
	size_t path_len;
	bool deleted;
};
/* s[0..len) is a name the kernel gives a VFIO device cdev: vfioN, or
 * noiommu-vfioN for a device without an IOMMU (N: 1 to 11 digits).  Its
 * node is /dev/vfio/devices/NAME, its sysfs entries vfio-dev/NAME. */
bool vf_vfio_cdev_name(const char *s, size_t len);
/* A device number as sysfs and mountinfo print it: "MAJ:MIN", then
 * nothing or a newline.  0, or -1 (*maj and *min untouched). */
int vf_parse_majmin(const char *s, unsigned int *maj, unsigned int *min);
/* Returns 0, or -1 if the text is not a maps line. */
int vf_parse_maps_line(const char *line, size_t len, struct vf_maps_line *out);

/* A full PCI address "DDDD:BB:DD.F" (lower or upper case hex).  The
 * domain has 4 to 8 digits: domains above 0xffff (VMD, some hypervisors)
 * are printed in full, as the kernel's sysfs names and lspci have them
 * ("10000:00:03.0"); a domain of 5 or more digits has no leading zero. */
struct vf_bdf {
	unsigned int domain, bus, dev, fn;
};
#define VF_BDF_LEN 17     /* "ffffffff:ff:1f.7" + NUL */
#define VF_BDF_MIN 12     /* "0000:00:03.0" */
#define VF_BDF_MAX 16
/* Strict parse of exactly len characters.  Returns 0 or -1. */
int vf_parse_bdf(const char *s, size_t len, struct vf_bdf *out);
/* The address at the start of s[0..len): its length (12 to 16), or 0 when
 * none starts there. */
size_t vf_scan_bdf(const char *s, size_t len, struct vf_bdf *out);
void vf_format_bdf(const struct vf_bdf *b, char out[VF_BDF_LEN]);

/* What a dma-buf name tells about the PCI device and BAR behind it. */
enum vf_name_kind {
	VF_NAME_OTHER = 0, /* empty, or not a format we know */
	VF_NAME_SERIES,    /* the series' BAR mapping: "vfioN:BDF/BAR" */
	VF_NAME_VFBUF,     /* vfbuf export's default: "vfio:BDF:barN" */
};
struct vf_name_ref {
	enum vf_name_kind kind;
	bool has_vfio;  /* vfio device name ("vfio0") present */
	char vfio[32];
	bool has_bdf;
	struct vf_bdf bdf;
	bool has_bar;
	unsigned int bar;
	bool truncated; /* name ends inside the format (cut at 31 chars) */
};
/* Decode a dma-buf name (without the "/dmabuf:" prefix).  Always fills
 * *out; returns its kind. */
enum vf_name_kind vf_decode_dmabuf_name(const char *name, size_t len,
					struct vf_name_ref *out);

/* Build vfbuf's default export name "vfio:BDF:barN" (<= 31 chars). */
int vf_format_export_name(char *out, size_t outsz, const struct vf_bdf *b,
			  unsigned int bar);

/* fdinfo text of a dma-buf or a VFIO device fd. */
struct vf_fdinfo {
	bool has_flags, has_ino, has_size, has_count;
	unsigned int flags; /* octal in the file */
	uint64_t ino, size, count;
	char exp_name[64];
	char name[64];
	char syspath[256]; /* vfio-device-syspath */
	bool is_dmabuf;    /* has exp_name: */
	bool is_vfio_device;
};
/* Parses what it knows and ignores the rest; never fails. */
void vf_parse_fdinfo(const char *text, size_t len, struct vf_fdinfo *out);

/* The BDF at the end of a sysfs device path ("/sys/devices/.../0000:00:03.0").
 * Returns 0 or -1. */
int vf_bdf_from_syspath(const char *path, struct vf_bdf *out);

/* The series' and classic VFIO offsets: BAR index in bits 40+. */
#define VF_OFFSET_SHIFT 40
#define VF_OFFSET_MASK ((UINT64_C(1) << VF_OFFSET_SHIFT) - 1)

#endif /* VFBUF_PARSE_H */
