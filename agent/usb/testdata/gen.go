//go:build ignore

// gen writes testdata/<machine>.tree: the part of /sys that Identify reads,
// one entry a line, `f "path" "content"` a file and `l "path" "target"` a
// relative symlink, as the kernel lays them out. The trees are modelled,
// not recorded: see README.md.
//
//	cd agent/usb && go run testdata/gen.go
package main

import (
	"fmt"
	"log"
	"os"
	"path"
	"sort"
	"strings"
)

type tree map[string]string // path → "f\x00content" or "l\x00target"

func (t tree) file(p, content string) { t[p] = "f\x00" + content + "\n" }

// link adds a symlink at p to the tree path target, written relative to
// p's folder as sysfs writes it.
func (t tree) link(p, target string) {
	from := strings.Split(path.Dir(p), "/")
	to := strings.Split(target, "/")
	i := 0
	for i < len(from) && i < len(to) && from[i] == to[i] {
		i++
	}
	rel := strings.Repeat("../", len(from)-i) + strings.Join(to[i:], "/")
	t[p] = "l\x00" + rel
}

// node adds a device folder under sys/devices with its subsystem link
// ("bus/usb", "class/block", ...).
func (t tree) node(dir, subsys string) {
	t.link("sys/devices/"+dir+"/subsystem", "sys/"+subsys)
}

// usbDev adds a USB device node with its IDs.
func (t tree) usbDev(dir, vid, pid, serial, product string) {
	t.node(dir, "bus/usb")
	t.file("sys/devices/"+dir+"/idVendor", vid)
	t.file("sys/devices/"+dir+"/idProduct", pid)
	if serial != "" {
		t.file("sys/devices/"+dir+"/serial", serial)
	}
	t.file("sys/devices/"+dir+"/product", product)
}

// block adds a disk (partNo 0) or a partition at dir.
func (t tree) block(dir, majmin string, removable bool, partNo int) {
	t.node(dir, "class/block")
	d := "sys/devices/" + dir
	t.file(d+"/dev", majmin)
	if partNo > 0 {
		t.file(d+"/partition", fmt.Sprint(partNo))
	} else {
		r := "0"
		if removable {
			r = "1"
		}
		t.file(d+"/removable", r)
	}
	t.link("sys/dev/block/"+majmin, d)
	t.link("sys/class/block/"+path.Base(dir), d)
}

// scsi adds the SCSI host, target and device folders below a parent.
func (t tree) scsi(parent string, host int) string {
	h := fmt.Sprintf("%s/host%d", parent, host)
	tg := fmt.Sprintf("%s/target%d:0:0", h, host)
	sd := fmt.Sprintf("%s/%d:0:0:0", tg, host)
	t.node(h, "bus/scsi")
	t.node(tg, "bus/scsi")
	t.node(sd, "bus/scsi")
	return sd + "/block"
}

func (t tree) pci(dir string) { t.node(dir, "bus/pci") }

func main() {
	machines := map[string]tree{}

	// A SanDisk Ultra Fit stick on an xHCI controller, bulk-only transport.
	stick := tree{}
	xhci := "pci0000:00/0000:00:14.0"
	stick.pci(xhci)
	stick.usbDev(xhci+"/usb1", "1d6b", "0002", "0000:00:14.0", "xHCI Host Controller")
	stick.usbDev(xhci+"/usb1/1-1", "0781", "5583", "4C530001230815117254", "Ultra Fit")
	stick.node(xhci+"/usb1/1-1/1-1:1.0", "bus/usb")
	stick.link("sys/devices/"+xhci+"/usb1/1-1/1-1:1.0/driver", "sys/bus/usb/drivers/usb-storage")
	blk := stick.scsi(xhci+"/usb1/1-1/1-1:1.0", 2)
	stick.block(blk+"/sdb", "8:16", true, 0)
	stick.block(blk+"/sdb/sdb1", "8:17", false, 1)
	machines["usb-stick"] = stick

	// A JMicron JMS578 USB-SATA bridge with a 2.5" SSD on UAS: removable=0.
	bridge := tree{}
	bridge.pci(xhci)
	bridge.usbDev(xhci+"/usb2", "1d6b", "0003", "0000:00:14.0", "xHCI Host Controller")
	bridge.usbDev(xhci+"/usb2/2-2", "152D", "0578", "0123456789ABCDEF", "USB to ATA/ATAPI Bridge")
	bridge.node(xhci+"/usb2/2-2/2-2:1.0", "bus/usb")
	bridge.link("sys/devices/"+xhci+"/usb2/2-2/2-2:1.0/driver", "sys/bus/usb/drivers/uas")
	blk = bridge.scsi(xhci+"/usb2/2-2/2-2:1.0", 3)
	bridge.block(blk+"/sdc", "8:32", false, 0)
	bridge.block(blk+"/sdc/sdc1", "8:33", false, 1)
	bridge.block(blk+"/sdc/sdc2", "8:34", false, 2)
	machines["usb-sata-uas"] = bridge

	// A laptop's SD card reader on a PCI SDHCI controller.
	sd := tree{}
	sdhci := "pci0000:00/0000:00:1e.6"
	sd.pci(sdhci)
	sd.node(sdhci+"/mmc_host/mmc0", "class/mmc_host")
	sd.node(sdhci+"/mmc_host/mmc0/mmc0:aaaa", "bus/mmc")
	sd.block(sdhci+"/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0", "179:0", false, 0)
	sd.block(sdhci+"/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0/mmcblk0p1", "179:1", false, 1)
	machines["sd-reader"] = sd

	// An NVMe disk: the namespace sits straight under the controller.
	nv := tree{}
	nvme := "pci0000:00/0000:00:1d.0/0000:3d:00.0"
	nv.pci("pci0000:00/0000:00:1d.0")
	nv.pci(nvme)
	nv.node(nvme+"/nvme/nvme0", "class/nvme")
	nv.block(nvme+"/nvme/nvme0/nvme0n1", "259:0", false, 0)
	nv.block(nvme+"/nvme/nvme0/nvme0n1/nvme0n1p1", "259:1", false, 1)
	nv.block(nvme+"/nvme/nvme0/nvme0n1/nvme0n1p2", "259:2", false, 2)
	machines["nvme"] = nv

	// A SATA optical drive: removable=1 but no USB anywhere.
	cd := tree{}
	ahci := "pci0000:00/0000:00:17.0"
	cd.pci(ahci)
	blk = cd.scsi(ahci+"/ata5", 4)
	cd.block(blk+"/sr0", "11:0", true, 0)
	machines["sata-removable"] = cd

	// This VM's layout: a virtio disk, and loop devices.
	vm := tree{}
	vm.pci("pci0000:00/0000:00:02.0")
	vm.node("pci0000:00/0000:00:02.0/virtio1", "bus/virtio")
	vm.block("pci0000:00/0000:00:02.0/virtio1/block/vda", "254:0", false, 0)
	vm.block("virtual/block/loop0", "7:0", false, 0)
	vm.block("virtual/block/loop0/loop0p1", "259:8", false, 1)
	machines["virtio-vm"] = vm

	for name, t := range machines {
		var b strings.Builder
		b.WriteString("# Built into real folders and symlinks by the tests; written by testdata/gen.go.\n")
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			kind, v, _ := strings.Cut(t[k], "\x00")
			fmt.Fprintf(&b, "%s %q %q\n", kind, k, v)
		}
		if err := os.WriteFile("testdata/"+name+".tree", []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
