package volumes

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	root := Mount{ID: 29, Major: 259, Minor: 2, Root: "/", Point: "/", FSType: "ext4", Source: "/dev/nvme0n1p2",
		Options: []string{"rw", "relatime"}, SuperOptions: []string{"rw"}}
	stick := Mount{ID: 812, Major: 8, Minor: 17, Root: "/", Point: "/media/user/STICK", FSType: "vfat", Source: "/dev/sdb1",
		Options: []string{"rw", "nosuid"}, SuperOptions: []string{"rw", "fmask=0022"}}
	stickRO := stick
	stickRO.Options = []string{"ro", "nosuid"}
	stickRO.SuperOptions = []string{"ro", "fmask=0022"}
	stickRO.ReadOnly = true
	stickOpt := stick
	stickOpt.SuperOptions = []string{"rw", "fmask=0077"}
	// The kernel reused 812 for another device after the stick went away.
	reused := stick
	reused.Major, reused.Minor, reused.Source = 8, 33, "/dev/sdc1"
	moved := stick
	moved.Point = "/mnt/elsewhere"
	bind := stick
	bind.ID, bind.Root, bind.Point = 830, "/Documents", "/home/user/docs"

	for _, tc := range []struct {
		name     string
		old, new []Mount
		want     []Event
	}{
		{"nothing", nil, nil, nil},
		{"start reports all", nil, []Mount{root, stick},
			[]Event{{Mounted, root}, {Mounted, stick}}},
		{"same", []Mount{root, stick}, []Mount{root, stick}, nil},
		{"order does not matter", []Mount{root, stick}, []Mount{stick, root}, nil},
		{"mounted", []Mount{root}, []Mount{root, stick}, []Event{{Mounted, stick}}},
		{"unmounted", []Mount{root, stick}, []Mount{root}, []Event{{Unmounted, stick}}},
		{"remount ro", []Mount{root, stick}, []Mount{root, stickRO}, []Event{{Changed, stickRO}}},
		{"remount rw", []Mount{root, stickRO}, []Mount{root, stick}, []Event{{Changed, stick}}},
		{"super option", []Mount{stick}, []Mount{stickOpt}, []Event{{Changed, stickOpt}}},
		{"id reused", []Mount{root, stick}, []Mount{root, reused},
			[]Event{{Unmounted, stick}, {Mounted, reused}}},
		{"moved", []Mount{stick}, []Mount{moved}, []Event{{Unmounted, stick}, {Mounted, moved}}},
		{"bind added", []Mount{root, stick}, []Mount{root, stick, bind}, []Event{{Mounted, bind}}},
		{"all gone", []Mount{root, stick}, nil, []Event{{Unmounted, root}, {Unmounted, stick}}},
		{"unmounted before mounted", []Mount{root, stick}, []Mount{root, bind},
			[]Event{{Unmounted, stick}, {Mounted, bind}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.want, diff(tc.old, tc.new))
		})
	}
}

func TestOpString(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "mounted", Mounted.String())
	assert.Equal(t, "unmounted", Unmounted.String())
	assert.Equal(t, "changed", Changed.String())
	assert.Equal(t, "Op(9)", Op(9).String())
}
