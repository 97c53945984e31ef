package fde

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// check reads the mount table and reports, for the mounts that matter, what
// sysfs (or ZFS) says lies between the filesystem and the disk.
func (c *Checker) check(ctx context.Context) ([]Volume, error) {
	data, err := os.ReadFile(filepath.Join(c.root, "proc", "self", "mountinfo"))
	if err != nil {
		return nil, fmt.Errorf("reading the mount table: %w", err)
	}
	mounts, err := parseMountinfo(data)
	if err != nil {
		return nil, err
	}
	vols := c.linuxVolumes(ctx, mounts)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return append(vols, c.homeOnly(mounts, vols)...), nil
}

// roleOf says what a mount point holds, or "" for one that holds no
// personal data: /boot and the EFI system partition, which are unencrypted
// even on a fully encrypted install (the boot loader must read them).
func roleOf(point string) string {
	switch {
	case point == "/":
		return RoleSystem
	case point == "/boot" || strings.HasPrefix(point, "/boot/") || point == "/efi":
		return ""
	case point == "/home" || strings.HasPrefix(point, "/home/"):
		return RoleHome
	}
	return RoleData
}

// imageFS are read-only image filesystems (snaps, CDs, composefs): no data
// volume of theirs is a fixed disk a person stores files on.
var imageFS = map[string]bool{"squashfs": true, "iso9660": true, "udf": true, "erofs": true}

// linuxVolumes picks the mounts to report and checks each.
func (c *Checker) linuxVolumes(ctx context.Context, mounts []mount) []Volume {
	// Only the last mount on a point is visible.
	visible := map[string]int{}
	for i, m := range mounts {
		visible[m.Point] = i
	}
	type cand struct {
		m    mount
		role string
	}
	var cands []cand
	for i, m := range mounts {
		if visible[m.Point] != i {
			continue
		}
		if role := roleOf(m.Point); role != "" {
			cands = append(cands, cand{m, role})
		}
	}
	// The system volume first, so that a bind mount elsewhere of the same
	// device is not taken for a data volume.
	slices.SortStableFunc(cands, func(a, b cand) int { return roleOrder[a.role] - roleOrder[b.role] })

	s := sysfs{dir: filepath.Join(c.root, "sys")}
	seen := map[string]bool{}
	var vols []Volume
	haveSystem := false
	for _, cd := range cands {
		m, role := cd.m, cd.role
		haveSystem = haveSystem || role == RoleSystem
		switch {
		case m.FSType == "zfs":
			pool, _, _ := strings.Cut(m.Source, "/")
			// / and home datasets each; other datasets once per pool, the
			// pool's encryption root usually covering them all.
			if seen["zfs:"+m.Source] || (role == RoleData && seen["zfs-pool:"+pool]) {
				continue
			}
			seen["zfs:"+m.Source], seen["zfs-pool:"+pool] = true, true
			v := Volume{Mount: m.Point, Device: m.Source, Role: role}
			out, err := c.run(ctx, "zfs", zfsGetArgs(m.Source)...)
			if err != nil {
				v.State, v.Reason = Unknown, "could not ask ZFS: "+err.Error()
				vols = append(vols, v)
				continue
			}
			vols = append(vols, zfsVolume(v, out))
			continue
		case m.FSType == "ecryptfs":
			continue // a home folder's, see homeOnly
		case role == RoleData && imageFS[m.FSType]:
			continue
		}

		dir, err := s.mountedDevice(m)
		if errors.Is(err, errNotBlock) {
			// Volumes that hold no disk of this PC are no data volumes; but /
			// and /home are always answered for.
			why := " (a live session or a container?)"
			if role == RoleHome {
				why = " (network home folders: their encryption is the server's)"
			}
			if role == RoleSystem || m.Point == "/home" {
				vols = append(vols, Volume{Mount: m.Point, Device: m.Source, Role: role, State: Unknown,
					Reason: fmt.Sprintf("%s is on a filesystem of type %s, not on a disk of this PC%s: nothing to check", m.Point, m.FSType, why)})
			}
			continue
		}
		if err != nil {
			vols = append(vols, Volume{Mount: m.Point, Device: m.Source, Role: role, State: Unknown, Reason: err.Error()})
			continue
		}
		if seen[dir] {
			continue
		}
		seen[dir] = true
		roots := s.btrfsMembers(m, dir)
		var w walkResult
		for _, r := range roots {
			if err = s.walk(r, 0, "", &w); err != nil {
				break
			}
		}
		if role == RoleData && (w.notFixed() || w.allLoop()) {
			continue
		}
		v := Volume{Mount: m.Point, Device: s.devName(dir), Role: role}
		if err != nil {
			v.State, v.Reason = Unknown, err.Error()
			vols = append(vols, v)
			continue
		}
		vols = append(vols, w.volume(v))
	}
	if !haveSystem {
		vols = append(vols, Volume{Mount: "/", Role: RoleSystem, State: Unknown, Reason: "no filesystem is mounted at / in this mount namespace"})
	}
	return vols
}

// volume fills in v from what the walk found.
func (w *walkResult) volume(v Volume) Volume {
	if len(w.plain) == 0 && len(w.methods) > 0 {
		v.State, v.Method = Encrypted, strings.Join(w.methods, ", ")
		if w.allLoop() && v.Role != RoleSystem {
			v.Reason = "an encrypted container file (systemd-homed or similar): only this folder is encrypted"
		}
		return v
	}
	v.State = NotEncrypted
	if len(w.methods) > 0 {
		v.Reason = fmt.Sprintf("only partly encrypted: nothing encrypts %s", strings.Join(w.plain, ", "))
	} else {
		v.Reason = fmt.Sprintf("no LUKS or dm-crypt layer between the filesystem and %s", strings.Join(w.plain, ", "))
	}
	if w.verity {
		v.Reason += " (dm-verity checks integrity, it does not encrypt)"
	}
	v.Fix = linuxFix(v.Role)
	if v.Fix == fixLinux {
		v.Reason += "; the installer's name for the encryption option varies by distribution"
	}
	return v
}

// homeOnly reports home folders encrypted on their own (eCryptfs, fscrypt)
// that lie on a volume that is not encrypted: they protect their owner's
// files only, and the volume stays not encrypted.
func (c *Checker) homeOnly(mounts []mount, vols []Volume) []Volume {
	homeDir := filepath.Join(c.root, "home")
	ecrypt := map[string]bool{}
	for _, m := range mounts {
		// ecryptfs-mount-private mounts an encrypted home over /home/<user>;
		// one over /home/<user>/Private encrypts only that folder.
		if m.FSType == "ecryptfs" && filepath.Dir(m.Point) == "/home" {
			ecrypt[m.Point] = true
		}
	}
	// Homes of users who are logged out: /home/.ecryptfs/<user>, whose
	// .ecryptfs/Private.mnt names the folder it mounts over.
	if ents, err := os.ReadDir(filepath.Join(homeDir, ".ecryptfs")); err == nil {
		for _, e := range ents {
			home := "/home/" + e.Name()
			b, err := os.ReadFile(filepath.Join(homeDir, ".ecryptfs", e.Name(), ".ecryptfs", "Private.mnt"))
			if err == nil && strings.TrimSpace(string(b)) == home {
				ecrypt[home] = true
			}
		}
	}
	var out []Volume
	ents, _ := os.ReadDir(homeDir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") || e.Name() == "lost+found" || !e.IsDir() {
			continue
		}
		home := "/home/" + e.Name()
		var method string
		switch {
		case ecrypt[home]:
			method = "eCryptfs (home only)"
		default:
			enc, err := c.dirEncrypted(filepath.Join(homeDir, e.Name()))
			if err != nil || !enc {
				continue
			}
			method = "fscrypt (home only)"
		}
		if holder := volumeHolding(vols, home); holder != nil && holder.State == Encrypted {
			continue
		}
		out = append(out, Volume{Mount: home, Role: RoleHome, State: Encrypted, Method: method,
			Reason: "only this home folder is encrypted: the rest of the disk, other users' files, /tmp and swap are not"})
	}
	return out
}

// volumeHolding returns the volume whose mount point is the longest prefix
// of path.
func volumeHolding(vols []Volume, path string) *Volume {
	var best *Volume
	for i := range vols {
		m := vols[i].Mount
		if m == path || m == "/" || strings.HasPrefix(path, m+"/") {
			if best == nil || len(m) > len(best.Mount) {
				best = &vols[i]
			}
		}
	}
	return best
}

// dirEncrypted reports whether the kernel says a folder is encrypted by its
// filesystem (fscrypt on ext4, f2fs, ubifs): statx's STATX_ATTR_ENCRYPTED,
// set whether or not the key is loaded. The fscrypt tool's .fscrypt
// metadata folder only shows the tool was set up, not what it encrypted.
func dirEncrypted(path string) (bool, error) {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW, 0, &st); err != nil {
		return false, fmt.Errorf("statx %s: %w", path, err)
	}
	return st.Attributes_mask&unix.STATX_ATTR_ENCRYPTED != 0 && st.Attributes&unix.STATX_ATTR_ENCRYPTED != 0, nil
}
