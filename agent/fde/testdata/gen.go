//go:build ignore

// gen writes the Linux machines under testdata/linux/: for each scenario
// proc/self/mountinfo, the other files it needs (home folders), the
// answers its fakes give (recorded.json), and sys.tree, the part of /sys
// the checker reads, laid out as the kernel lays it out: dev/block,
// class/block and block links, device folders with dev, partition,
// removable, dm/name, dm/uuid, slaves/ and holders/ links,
// fs/btrfs/<fsid>/devices. The tests build each sys.tree as real folders,
// files and relative symlinks. See README.md.
//
//	cd agent/fde && go run testdata/gen.go             # the modelled machines
//	cd agent/fde && go run testdata/gen.go -record NAME # this machine, as testdata/linux/NAME
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Where disks sit under /sys/devices on real machines.
const (
	sata0 = "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block"
	sata1 = "pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0/block"
	sata2 = "pci0000:00/0000:00:17.0/ata3/host2/target2:0:0/2:0:0:0/block"
	sata3 = "pci0000:00/0000:00:17.0/ata4/host3/target3:0:0/3:0:0:0/block"
	cdrom = "pci0000:00/0000:00:17.0/ata5/host4/target4:0:0/4:0:0:0/block"
	nvme0 = "pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0"
	nvme1 = "pci0000:00/0000:00:1d.4/0000:3e:00.0/nvme/nvme1"
	usb   = "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block"
	virt  = "virtual/block"
)

// dev is one block device.
type dev struct {
	name      string
	majmin    string
	at        string // folder under /sys/devices holding it; "" for a partition (it sits in its disk's)
	disk      string // a partition's disk
	slaves    []string
	dmName    string
	dmUUID    string
	removable bool
	loopFile  string
	mdLevel   string
}

func disk(name, majmin, at string) dev { return dev{name: name, majmin: majmin, at: at} }
func part(name, majmin, of string) dev { return dev{name: name, majmin: majmin, disk: of} }
func dm(n int, major, name, uuid string, slaves ...string) dev {
	return dev{name: fmt.Sprintf("dm-%d", n), majmin: fmt.Sprintf("%s:%d", major, n), at: virt, dmName: name, dmUUID: uuid, slaves: slaves}
}
func md(name, majmin, level string, slaves ...string) dev {
	return dev{name: name, majmin: majmin, at: virt, mdLevel: level, slaves: slaves}
}
func loop(n int, file string) dev {
	return dev{name: fmt.Sprintf("loop%d", n), majmin: fmt.Sprintf("7:%d", n), at: virt, loopFile: file}
}

// scenario is one machine.
type scenario struct {
	name     string
	devs     []dev
	btrfs    map[string][]string // fsid → member devices
	mounts   string              // proc/self/mountinfo
	files    map[string]string   // other files under the root
	recorded recorded
}

// recorded is what the test's fakes answer: command output, and the folders
// the kernel would say fscrypt encrypts (a tree cannot carry that flag).
type recorded struct {
	Commands      map[string]string `json:"commands,omitempty"`
	EncryptedDirs []string          `json:"encryptedDirs,omitempty"`
}

// Mount table lines every machine has.
const pseudo = `22 28 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
23 28 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw
24 28 0:5 / /dev rw,nosuid,relatime shared:2 - devtmpfs udev rw,size=8118308k,nr_inodes=2029577,mode=755
25 24 0:23 / /dev/pts rw,nosuid,noexec,relatime shared:3 - devpts devpts rw,gid=5,mode=620,ptmxmode=000
26 28 0:24 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=1628208k,mode=755
`

const pseudoLate = `30 22 0:6 / /sys/kernel/security rw,nosuid,nodev,noexec,relatime shared:8 - securityfs securityfs rw
31 24 0:26 / /dev/shm rw,nosuid,nodev shared:4 - tmpfs tmpfs rw
33 22 0:28 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
35 22 0:30 / /sys/firmware/efi/efivars rw,nosuid,nodev,noexec,relatime shared:11 - efivarfs efivarfs rw
41 28 0:35 / /tmp rw,nosuid,nodev shared:18 - tmpfs tmpfs rw,size=8140880k,nr_inodes=1048576
`

var scenarios = []scenario{
	{
		name: "luks1",
		// Debian with manual partitioning: / on LUKS1 on the third partition.
		devs: []dev{
			disk("sda", "8:0", sata0), part("sda1", "8:1", "sda"), part("sda2", "8:2", "sda"), part("sda3", "8:3", "sda"),
			dm(0, "254", "sda3_crypt", "CRYPT-LUKS1-5f3c0a7e9b2d4c1e8a6f0b3d2c1e4a5b-sda3_crypt", "sda3"),
		},
		mounts: pseudo + `28 1 254:0 / / rw,relatime shared:1 - ext4 /dev/mapper/sda3_crypt rw,errors=remount-ro
` + pseudoLate + `45 28 8:2 / /boot rw,relatime shared:29 - ext4 /dev/sda2 rw
47 45 8:1 / /boot/efi rw,relatime shared:31 - vfat /dev/sda1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro
`,
	},
	{
		name: "luks2-btrfs-nvme",
		// Fedora Workstation with "Encrypt my data": btrfs subvolumes root
		// and home on one LUKS2 mapping on an NVMe disk. btrfs mounts carry
		// an anonymous 0:N device number. A USB stick is plugged in.
		devs: []dev{
			disk("nvme0n1", "259:0", nvme0), part("nvme0n1p1", "259:1", "nvme0n1"), part("nvme0n1p2", "259:2", "nvme0n1"), part("nvme0n1p3", "259:3", "nvme0n1"),
			dm(0, "253", "luks-2b8f6a4e-6c1d-4f0a-9e3b-7d5c2a1f0e9d", "CRYPT-LUKS2-2b8f6a4e6c1d4f0a9e3b7d5c2a1f0e9d-luks-2b8f6a4e-6c1d-4f0a-9e3b-7d5c2a1f0e9d", "nvme0n1p3"),
			disk("sdb", "8:16", usb), part("sdb1", "8:17", "sdb"),
			{name: "zram0", majmin: "252:0", at: virt},
		},
		btrfs: map[string][]string{"6f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0": {"dm-0"}},
		mounts: pseudo + `28 1 0:32 /root / rw,relatime shared:1 - btrfs /dev/mapper/luks-2b8f6a4e-6c1d-4f0a-9e3b-7d5c2a1f0e9d rw,seclabel,compress=zstd:1,ssd,discard=async,space_cache=v2,subvolid=257,subvol=/root
` + pseudoLate + `60 28 0:32 /home /home rw,relatime shared:33 - btrfs /dev/mapper/luks-2b8f6a4e-6c1d-4f0a-9e3b-7d5c2a1f0e9d rw,seclabel,compress=zstd:1,ssd,discard=async,space_cache=v2,subvolid=256,subvol=/home
62 28 259:2 / /boot rw,relatime shared:35 - ext4 /dev/nvme0n1p2 rw,seclabel
64 62 259:1 / /boot/efi rw,relatime shared:37 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=winnt,errors=remount-ro
120 26 8:17 / /run/media/alice/KINGSTON rw,nosuid,nodev,relatime shared:290 - vfat /dev/sdb1 rw,uid=1000,gid=1000,fmask=0022,dmask=0022,codepage=437,iocharset=ascii,shortname=mixed,showexec,utf8,flush,errors=remount-ro
`,
	},
	{
		name: "lvm-on-luks",
		// Ubuntu's "Use LVM and encryption": an LVM volume group on one
		// LUKS2 mapping; snaps are squashfs on loop devices, and a disk
		// image is loop-mounted.
		devs: []dev{
			disk("nvme0n1", "259:0", nvme0), part("nvme0n1p1", "259:1", "nvme0n1"), part("nvme0n1p2", "259:2", "nvme0n1"), part("nvme0n1p3", "259:3", "nvme0n1"),
			dm(0, "252", "nvme0n1p3_crypt", "CRYPT-LUKS2-9c2e4b6d8f0a4c1e9b3d5f7a1c3e5b7d-nvme0n1p3_crypt", "nvme0n1p3"),
			dm(1, "252", "vgubuntu-root", "LVM-Zq3dKx8wVb2mYt6nPr1sLc9fHj4gTe7uXa5oWi0kNy2vBq8eRd3sMf6hJl1pCz4t", "dm-0"),
			dm(2, "252", "vgubuntu-swap_1", "LVM-Zq3dKx8wVb2mYt6nPr1sLc9fHj4gTe7uAb3cDe5fGh7iJk9lMn1oPq3rSt5uVw7x", "dm-0"),
			loop(0, "/var/lib/snapd/snaps/core22_1380.snap"),
			loop(1, "/var/lib/snapd/snaps/firefox_4173.snap"),
			loop(2, "/home/alice/disk.img"),
		},
		mounts: pseudo + `28 1 252:1 / / rw,relatime shared:1 - ext4 /dev/mapper/vgubuntu-root rw,errors=remount-ro
` + pseudoLate + `70 28 7:0 / /snap/core22/1380 ro,nodev,relatime shared:39 - squashfs /dev/loop0 ro,errors=continue,threads=single
71 28 7:1 / /snap/firefox/4173 ro,nodev,relatime shared:41 - squashfs /dev/loop1 ro,errors=continue,threads=single
73 28 259:2 / /boot rw,relatime shared:43 - ext4 /dev/nvme0n1p2 rw
75 73 259:1 / /boot/efi rw,relatime shared:45 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=iso8859-1,shortname=mixed,errors=remount-ro
130 28 7:2 / /mnt/image rw,relatime shared:300 - ext4 /dev/loop2 rw
`,
	},
	{
		name: "raid-on-luks",
		// mdadm RAID1 whose members are two LUKS2 mappings, one per disk:
		// every path down is encrypted. A second array has one member
		// encrypted and one not: not encrypted.
		devs: []dev{
			disk("sda", "8:0", sata0), part("sda1", "8:1", "sda"), part("sda2", "8:2", "sda"),
			disk("sdb", "8:16", sata1), part("sdb1", "8:17", "sdb"), part("sdb2", "8:18", "sdb"),
			disk("sdc", "8:32", sata2), part("sdc1", "8:33", "sdc"),
			disk("sdd", "8:48", sata3), part("sdd1", "8:49", "sdd"),
			dm(0, "253", "crypt-a", "CRYPT-LUKS2-0a1b2c3d4e5f40718293a4b5c6d7e8f9-crypt-a", "sda2"),
			dm(1, "253", "crypt-b", "CRYPT-LUKS2-1b2c3d4e5f6041728394a5b6c7d8e9f0-crypt-b", "sdb2"),
			dm(2, "253", "crypt-c", "CRYPT-LUKS2-2c3d4e5f6a7b42839405b6c7d8e9f0a1-crypt-c", "sdc1"),
			md("md0", "9:0", "raid1", "dm-0", "dm-1"),
			md("md1", "9:1", "raid1", "dm-2", "sdd1"),
		},
		mounts: pseudo + `28 1 9:0 / / rw,relatime shared:1 - ext4 /dev/md0 rw,errors=remount-ro,stripe=256
` + pseudoLate + `47 28 8:1 / /boot/efi rw,relatime shared:31 - vfat /dev/sda1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro
50 28 9:1 / /srv/data rw,relatime shared:33 - ext4 /dev/md1 rw
`,
	},
	{
		name: "luks-on-raid",
		// LUKS2 on an mdadm RAID1 of two partitions; a second, partitioned
		// array of two whole disks holds an unencrypted filesystem.
		devs: []dev{
			disk("sda", "8:0", sata0), part("sda1", "8:1", "sda"), part("sda2", "8:2", "sda"),
			disk("sdb", "8:16", sata1), part("sdb1", "8:17", "sdb"), part("sdb2", "8:18", "sdb"),
			disk("sdc", "8:32", sata2), disk("sdd", "8:48", sata3),
			md("md126", "9:126", "raid1", "sda2", "sdb2"),
			dm(0, "253", "md126_crypt", "CRYPT-LUKS2-3d4e5f6a7b8c43940516c7d8e9f0a1b2-md126_crypt", "md126"),
			md("md125", "9:125", "raid1", "sdc", "sdd"), {name: "md125p1", majmin: "259:4", disk: "md125"},
		},
		mounts: pseudo + `28 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/md126_crypt rw,errors=remount-ro
` + pseudoLate + `47 28 8:1 / /boot/efi rw,relatime shared:31 - vfat /dev/sda1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro
52 28 259:4 / /srv/backup rw,relatime shared:35 - ext4 /dev/md125p1 rw
`,
	},
	{
		name: "plain-dmcrypt",
		// A data disk with plain dm-crypt (no LUKS header), from crypttab's
		// "plain" option; / is LUKS2.
		devs: []dev{
			disk("nvme0n1", "259:0", nvme0), part("nvme0n1p1", "259:1", "nvme0n1"), part("nvme0n1p2", "259:2", "nvme0n1"),
			dm(0, "253", "root_crypt", "CRYPT-LUKS2-4e5f6a7b8c9d44a50627d8e9f0a1b2c3-root_crypt", "nvme0n1p2"),
			disk("sda", "8:0", sata0),
			dm(1, "253", "data", "CRYPT-PLAIN-data", "sda"),
		},
		mounts: pseudo + `28 1 253:0 / / rw,relatime shared:1 - ext4 /dev/mapper/root_crypt rw,errors=remount-ro
` + pseudoLate + `47 28 259:1 / /boot/efi rw,relatime shared:31 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro
55 28 253:1 / /data rw,relatime shared:37 - xfs /dev/mapper/data rw,attr2,inode64,logbufs=8,logbsize=32k,noquota
`,
	},
	{
		name: "dm-verity",
		// An image-based system (systemd-repart style): / is a dm-verity
		// device over a data and a hash partition, which checks integrity
		// and does not encrypt; /home is LUKS2.
		devs: []dev{
			disk("sda", "8:0", sata0), part("sda1", "8:1", "sda"), part("sda2", "8:2", "sda"), part("sda3", "8:3", "sda"), part("sda4", "8:4", "sda"),
			dm(0, "253", "root", "CRYPT-VERITY-5f6a7b8c9d0e45b61738e9f0a1b2c3d4-root", "sda2", "sda3"),
			dm(1, "253", "home", "CRYPT-LUKS2-6a7b8c9d0e1f46c72849f0a1b2c3d4e5-home", "sda4"),
		},
		mounts: pseudo + `28 1 253:0 / / ro,relatime shared:1 - erofs /dev/mapper/root ro,user_xattr,acl,cache_strategy=readaround
` + pseudoLate + `47 28 8:1 / /efi rw,relatime shared:31 - vfat /dev/sda1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro
57 28 253:1 / /home rw,nosuid,nodev,relatime shared:39 - ext4 /dev/mapper/home rw
`,
	},
	{
		name: "zfs-encrypted",
		// Ubuntu 22.04 "Advanced features > ZFS, encrypt": bpool for /boot,
		// rpool with native encryption for / and the USERDATA homes; a
		// second pool without encryption.
		devs: []dev{
			disk("nvme0n1", "259:0", nvme0), part("nvme0n1p1", "259:1", "nvme0n1"), part("nvme0n1p2", "259:2", "nvme0n1"),
			part("nvme0n1p3", "259:3", "nvme0n1"), part("nvme0n1p4", "259:4", "nvme0n1"),
			disk("sda", "8:0", sata0), part("sda1", "8:1", "sda"),
		},
		mounts: pseudo + `28 1 0:25 / / rw,relatime shared:1 - zfs rpool/ROOT/ubuntu_x7k2pq rw,xattr,posixacl
` + pseudoLate + `80 28 0:46 / /boot rw,nodev,relatime shared:50 - zfs bpool/BOOT/ubuntu_x7k2pq rw,xattr,posixacl
81 80 259:1 / /boot/efi rw,relatime shared:52 - vfat /dev/nvme0n1p1 rw,fmask=0022,dmask=0022,codepage=437,iocharset=iso8859-1,shortname=mixed,errors=remount-ro
82 28 0:47 / /var/log rw,nosuid,nodev,noexec,relatime shared:54 - zfs rpool/ROOT/ubuntu_x7k2pq/var/log rw,xattr,posixacl
83 28 0:48 / /root rw,relatime shared:56 - zfs rpool/USERDATA/root_q1w2e3 rw,xattr,posixacl
84 28 0:49 / /home/alice rw,relatime shared:58 - zfs rpool/USERDATA/alice_q1w2e3 rw,xattr,posixacl
90 28 0:55 / /tank rw,relatime shared:64 - zfs tank/data rw,xattr,noacl
`,
		recorded: recorded{Commands: map[string]string{
			"zfs get -H -o value encryption,keystatus rpool/ROOT/ubuntu_x7k2pq":    "aes-256-gcm\navailable\n",
			"zfs get -H -o value encryption,keystatus rpool/USERDATA/alice_q1w2e3": "aes-256-gcm\navailable\n",
			"zfs get -H -o value encryption,keystatus tank/data":                   "off\n-\n",
		}},
	},
	{
		name: "zfs-plain",
		// ZFS root without encryption.
		devs: []dev{disk("sda", "8:0", sata0), part("sda1", "8:1", "sda"), part("sda2", "8:2", "sda")},
		mounts: pseudo + `28 1 0:25 / / rw,relatime shared:1 - zfs rpool/ROOT/debian rw,xattr,noacl
` + pseudoLate + `81 28 8:1 / /boot/efi rw,relatime shared:52 - vfat /dev/sda1 rw,fmask=0022,dmask=0022,codepage=437,iocharset=iso8859-1,shortname=mixed,errors=remount-ro
84 28 0:49 / /home rw,relatime shared:58 - zfs rpool/home rw,xattr,noacl
`,
		recorded: recorded{Commands: map[string]string{
			"zfs get -H -o value encryption,keystatus rpool/ROOT/debian": "off\n-\n",
			"zfs get -H -o value encryption,keystatus rpool/home":        "off\n-\n",
		}},
	},
	{
		name: "fscrypt-home",
		// ext4 / without full-disk encryption; alice's home is encrypted
		// with the fscrypt tool (metadata in /.fscrypt), bob's is not.
		devs: []dev{disk("nvme0n1", "259:0", nvme0), part("nvme0n1p1", "259:1", "nvme0n1"), part("nvme0n1p2", "259:2", "nvme0n1")},
		mounts: pseudo + `28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
` + pseudoLate + `47 28 259:1 / /boot/efi rw,relatime shared:31 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro
`,
		files: map[string]string{
			".fscrypt/policies/2d7a8e4f1b6c9d03":   "(stands in for the fscrypt tool's policy metadata, a protobuf)\n",
			".fscrypt/protectors/8c1f3e5a7b9d2046": "(stands in for the fscrypt tool's protector metadata, a protobuf)\n",
			"home/alice/.profile":                  "# alice\n",
			"home/bob/.profile":                    "# bob\n",
		},
		recorded: recorded{EncryptedDirs: []string{"/home/alice"}},
	},
	{
		name: "ecryptfs-home",
		// Ubuntu's old "Encrypt my home folder" (ecryptfs-utils): alice is
		// logged in, so her home is an ecryptfs mount; bob is logged out;
		// carol encrypted only ~/Private, which does not count.
		devs: []dev{disk("sda", "8:0", sata0), part("sda1", "8:1", "sda")},
		mounts: pseudo + `28 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro
` + pseudoLate + `140 28 0:60 / /home/alice rw,nosuid,nodev,relatime shared:310 - ecryptfs /home/.ecryptfs/alice/.Private rw,ecryptfs_fnek_sig=8a2b9c3d4e5f6a7b,ecryptfs_sig=1c2d3e4f5a6b7c8d,ecryptfs_cipher=aes,ecryptfs_key_bytes=16,ecryptfs_unlink_sigs
`,
		files: map[string]string{
			"home/.ecryptfs/alice/.ecryptfs/Private.mnt": "/home/alice",
			"home/.ecryptfs/bob/.ecryptfs/Private.mnt":   "/home/bob",
			"home/.ecryptfs/carol/.ecryptfs/Private.mnt": "/home/carol/Private",
			"home/alice/Documents/notes.txt":             "decrypted view while alice is logged in\n",
			"home/bob/README.txt":                        "THIS DIRECTORY HAS BEEN UNMOUNTED TO PROTECT YOUR DATA.\n",
			"home/carol/.profile":                        "# carol\n",
			"home/dave/.profile":                         "# dave\n",
		},
	},
	{
		name: "unencrypted",
		// Two fixed SATA disks, a separate /home, a USB stick and a CD:
		// nothing encrypted. The stick and the CD are not fixed.
		devs: []dev{
			disk("sda", "8:0", sata0), part("sda1", "8:1", "sda"), part("sda2", "8:2", "sda"), part("sda3", "8:3", "sda"),
			disk("sdb", "8:16", sata1), part("sdb1", "8:17", "sdb"),
			disk("sdc", "8:32", usb), part("sdc1", "8:33", "sdc"),
			{name: "sr0", majmin: "11:0", at: cdrom, removable: true},
		},
		mounts: pseudo + `28 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw,errors=remount-ro
` + pseudoLate + `47 28 8:1 / /boot/efi rw,relatime shared:31 - vfat /dev/sda1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro
49 28 8:3 / /home rw,relatime shared:33 - ext4 /dev/sda3 rw
51 28 8:17 / /mnt/Photos\040and\040Letters rw,relatime shared:35 - ext4 /dev/sdb1 rw
53 51 8:17 /shared /srv/share rw,relatime shared:35 - ext4 /dev/sdb1 rw
150 26 8:33 / /media/alice/USB\040DISK rw,nosuid,nodev,relatime shared:320 - exfat /dev/sdc1 rw,uid=1000,gid=1000,fmask=0022,dmask=0022,iocharset=utf8,errors=remount-ro
152 26 11:0 / /media/alice/CDROM ro,nosuid,nodev,relatime shared:322 - iso9660 /dev/sr0 ro,uid=1000,gid=1000,iocharset=utf8,mode=0400,dmode=0500
160 28 0:70 / /var/lib/docker/overlay2/3f2a1b/merged rw,relatime - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/ABC,upperdir=/var/lib/docker/overlay2/3f2a1b/diff,workdir=/var/lib/docker/overlay2/3f2a1b/work
`,
	},
	{
		name: "nvme-home-luks",
		// NVMe: / unencrypted, /home on its own LUKS2 partition.
		devs: []dev{
			disk("nvme0n1", "259:0", nvme0), part("nvme0n1p1", "259:1", "nvme0n1"), part("nvme0n1p2", "259:2", "nvme0n1"), part("nvme0n1p3", "259:3", "nvme0n1"),
			dm(0, "253", "home", "CRYPT-LUKS2-7b8c9d0e1f2a47d8395a01b2c3d4e5f6-home", "nvme0n1p3"),
		},
		mounts: pseudo + `28 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
` + pseudoLate + `47 28 259:1 / /boot/efi rw,relatime shared:31 - vfat /dev/nvme0n1p1 rw,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=mixed,utf8,errors=remount-ro
58 28 253:0 / /home rw,relatime shared:40 - ext4 /dev/mapper/home rw
`,
	},
	{
		name: "overlay-root",
		// A live USB session: / is an overlay, not a disk. The PC's own
		// disk is mounted by the desktop.
		devs: []dev{
			disk("sda", "8:0", usb), part("sda1", "8:1", "sda"),
			disk("nvme0n1", "259:0", nvme0), part("nvme0n1p2", "259:2", "nvme0n1"),
			loop(0, "/run/live/medium/live/filesystem.squashfs"),
		},
		mounts: `22 1 0:21 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw
23 1 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw
25 1 0:26 / / rw,noatime shared:1 - overlay overlay rw,lowerdir=/run/live/rootfs/filesystem.squashfs/,upperdir=/run/live/overlay/rw,workdir=/run/live/overlay/work
30 26 8:1 / /run/live/medium ro,noatime shared:3 - iso9660 /dev/sda1 ro,nojoliet,check=s,map=n,blocksize=2048,iocharset=utf8
31 26 7:0 / /run/live/rootfs/filesystem.squashfs ro,noatime shared:4 - squashfs /dev/loop0 ro,errors=continue
90 26 259:2 / /media/user/Data rw,nosuid,nodev,relatime shared:60 - ext4 /dev/nvme0n1p2 rw
`,
	},
	{
		name: "systemd-homed",
		// systemd-homed with the LUKS backend: alice's home is a LUKS2
		// image file on a loop device, mounted on /home/alice while she is
		// logged in. / is not encrypted.
		devs: []dev{
			disk("sda", "8:0", sata0), part("sda1", "8:1", "sda"), part("sda2", "8:2", "sda"),
			loop(0, "/home/alice.home"),
			dm(0, "253", "home-alice", "CRYPT-LUKS2-8c9d0e1f2a3b48e94a6b12c3d4e5f6a7-home-alice", "loop0"),
		},
		mounts: pseudo + `28 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw
` + pseudoLate + `47 28 8:1 / /efi rw,relatime shared:31 - vfat /dev/sda1 rw
170 28 253:0 / /home/alice rw,nosuid,nodev,noexec,relatime shared:330 - ext4 /dev/mapper/home-alice rw,discard
`,
	},
	{
		name: "btrfs-multidevice",
		// btrfs across several devices: mountinfo names one, sysfs lists
		// them all. / spans two LUKS2 mappings; /data spans a LUKS2
		// mapping and a plain disk, so it is not encrypted.
		devs: []dev{
			disk("nvme0n1", "259:0", nvme0), part("nvme0n1p1", "259:1", "nvme0n1"), part("nvme0n1p2", "259:2", "nvme0n1"),
			disk("nvme1n1", "259:3", nvme1),
			disk("sda", "8:0", sata0), disk("sdb", "8:16", sata1),
			dm(0, "253", "luks-a", "CRYPT-LUKS2-9d0e1f2a3b4c49fa5b7c23d4e5f6a7b8-luks-a", "nvme0n1p2"),
			dm(1, "253", "luks-b", "CRYPT-LUKS2-0e1f2a3b4c5d40ab6c8d34e5f6a7b8c9-luks-b", "nvme1n1"),
			dm(2, "253", "luks-c", "CRYPT-LUKS2-1f2a3b4c5d6e41bc7d9e45f6a7b8c9d0-luks-c", "sda"),
		},
		btrfs: map[string][]string{
			"0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0": {"dm-0", "dm-1"},
			"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d": {"dm-2", "sdb"},
		},
		mounts: pseudo + `28 1 0:32 /@ / rw,relatime shared:1 - btrfs /dev/mapper/luks-a rw,ssd,space_cache=v2,subvolid=256,subvol=/@
` + pseudoLate + `47 28 259:1 / /boot/efi rw,relatime shared:31 - vfat /dev/nvme0n1p1 rw
60 28 0:33 / /data rw,relatime shared:41 - btrfs /dev/mapper/luks-c rw,space_cache=v2,subvolid=5,subvol=/
`,
	},
}

func main() {
	rec := flag.String("record", "", "record this machine's mount table and block devices as testdata/linux/`NAME`")
	flag.Parse()
	if *rec != "" {
		if err := record(*rec); err != nil {
			log.Fatal(err)
		}
		return
	}
	for _, sc := range scenarios {
		if err := write(sc); err != nil {
			log.Fatalf("%s: %v", sc.name, err)
		}
	}
}

// tree is a folder tree written down as text, one entry a line, so that
// names with ':' (every sysfs device number and PCI address), which Windows
// cannot check out, and symlinks live in git as one plain file:
//
//	f "sys/devices/virtual/block/dm-0/dm/uuid" "CRYPT-LUKS2-...\n"
//	l "sys/dev/block/253:0" "../../devices/virtual/block/dm-0"
type tree map[string]string

func (t tree) file(p, content string) { t[p] = "f " + strconv.Quote(p) + " " + strconv.Quote(content) }

// link adds a symlink at p to target, both relative to the tree's root; the
// link is written relative to p's folder, as sysfs's are.
func (t tree) link(p, target string) {
	rel, err := filepath.Rel(path.Dir(p), target)
	if err != nil {
		log.Fatal(err)
	}
	t[p] = "l " + strconv.Quote(p) + " " + strconv.Quote(filepath.ToSlash(rel))
}

func (t tree) save(file string) error {
	lines := make([]string, 0, len(t))
	for _, l := range t {
		lines = append(lines, l)
	}
	slices.Sort(lines)
	return writeFile(file, "# Built into real folders and symlinks by the tests; written by testdata/gen.go.\n"+strings.Join(lines, "\n")+"\n")
}

func writeFile(p, content string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, []byte(content), 0o644)
}

func write(sc scenario) error {
	root := filepath.Join("testdata", "linux", sc.name)
	if err := os.RemoveAll(root); err != nil {
		return err
	}
	byName := map[string]dev{}
	for _, d := range sc.devs {
		byName[d.name] = d
	}
	var dirOf func(name string) string
	dirOf = func(name string) string {
		d, ok := byName[name]
		if !ok {
			log.Fatalf("%s: no device %s", sc.name, name)
		}
		if d.disk != "" {
			return path.Join(dirOf(d.disk), d.name)
		}
		return path.Join("sys/devices", d.at, d.name)
	}
	holders := map[string][]string{}
	for _, d := range sc.devs {
		for _, s := range d.slaves {
			holders[s] = append(holders[s], d.name)
		}
	}
	t := tree{}
	for _, d := range sc.devs {
		dir := dirOf(d.name)
		t.file(dir+"/dev", d.majmin+"\n")
		if d.disk != "" {
			t.file(dir+"/partition", strings.TrimLeft(d.name[len(d.disk):], "p")+"\n")
		} else {
			rm := "0\n"
			if d.removable {
				rm = "1\n"
			}
			t.file(dir+"/removable", rm)
			t.link("sys/block/"+d.name, dir)
		}
		if d.dmName != "" {
			t.file(dir+"/dm/name", d.dmName+"\n")
			t.file(dir+"/dm/uuid", d.dmUUID+"\n")
		}
		if d.loopFile != "" {
			t.file(dir+"/loop/backing_file", d.loopFile+"\n")
		}
		if d.mdLevel != "" {
			t.file(dir+"/md/level", d.mdLevel+"\n")
		}
		for _, s := range d.slaves {
			t.link(dir+"/slaves/"+s, dirOf(s))
		}
		for _, h := range holders[d.name] {
			t.link(dir+"/holders/"+h, dirOf(h))
		}
		t.link("sys/dev/block/"+d.majmin, dir)
		t.link("sys/class/block/"+d.name, dir)
	}
	for id, members := range sc.btrfs {
		for _, m := range members {
			t.link("sys/fs/btrfs/"+id+"/devices/"+m, dirOf(m))
		}
	}
	if err := t.save(filepath.Join(root, "sys.tree")); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(root, "proc", "self", "mountinfo"), sc.mounts); err != nil {
		return err
	}
	for p, c := range sc.files {
		if err := writeFile(filepath.Join(root, filepath.FromSlash(p)), c); err != nil {
			return err
		}
	}
	if sc.recorded.Commands != nil || sc.recorded.EncryptedDirs != nil {
		b, err := json.MarshalIndent(sc.recorded, "", "  ")
		if err != nil {
			return err
		}
		return writeFile(filepath.Join(root, "recorded.json"), string(b)+"\n")
	}
	return nil
}

// record writes down this machine: its mount table and, for every block
// device, what write would write for a modelled one.
func record(name string) error {
	root := filepath.Join("testdata", "linux", name)
	if err := os.RemoveAll(root); err != nil {
		return err
	}
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(root, "proc", "self", "mountinfo"), string(mi)); err != nil {
		return err
	}
	t := tree{}
	canon := func(p string) (string, error) {
		c, err := filepath.EvalSymlinks(p)
		if err != nil {
			return "", err
		}
		return strings.TrimPrefix(c, "/"), nil
	}
	ents, err := os.ReadDir("/sys/class/block")
	if err != nil {
		return err
	}
	for _, e := range ents {
		dir, err := canon("/sys/class/block/" + e.Name())
		if err != nil {
			return err
		}
		t.link("sys/class/block/"+e.Name(), dir)
		if _, err := os.Stat("/" + dir + "/partition"); err != nil {
			t.link("sys/block/"+e.Name(), dir)
		}
		for _, attr := range []string{"dev", "partition", "removable", "dm/name", "dm/uuid", "loop/backing_file", "md/level"} {
			if b, err := os.ReadFile("/" + dir + "/" + attr); err == nil {
				t.file(dir+"/"+attr, string(b))
				if attr == "dev" {
					t.link("sys/dev/block/"+strings.TrimSpace(string(b)), dir)
				}
			}
		}
		for _, sub := range []string{"slaves", "holders"} {
			links, _ := os.ReadDir("/" + dir + "/" + sub)
			for _, l := range links {
				target, err := canon("/" + dir + "/" + sub + "/" + l.Name())
				if err != nil {
					return err
				}
				t.link(dir+"/"+sub+"/"+l.Name(), target)
			}
		}
	}
	members, _ := filepath.Glob("/sys/fs/btrfs/*/devices/*")
	for _, m := range members {
		target, err := canon(m)
		if err != nil {
			return err
		}
		t.link(strings.TrimPrefix(m, "/"), target)
	}
	return t.save(filepath.Join(root, "sys.tree"))
}
