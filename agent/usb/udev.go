package usb

import (
	"bytes"
	"fmt"
	"strings"
	"text/template"

	"dataward/configs"
)

// UdevRuleName is the file name the rule is installed under, in
// /etc/udev/rules.d: after the distribution's 60-persistent-storage rules,
// which import the ID_* properties, and before 80-udisks2.rules reads
// UDISKS_*.
const UdevRuleName = "70-dataward-usb.rules"

// UdevRule renders the udev rule that marks USB disks read-only as they
// arrive: blockdev is the absolute path of blockdev(8), allow and extra are
// usb.allow and usb.extra_devices. A value udev could not carry (a quote, a
// backslash, a control character) is an error: it would break the rule.
func UdevRule(blockdev string, allow []Rule, extra []string) ([]byte, error) {
	if !strings.HasPrefix(blockdev, "/") {
		return nil, fmt.Errorf("udev rule: blockdev must be an absolute path, not %q", blockdev)
	}
	vals := []string{blockdev}
	for _, r := range allow {
		if r == (Rule{}) {
			return nil, fmt.Errorf("udev rule: an allow rule with no vendor, product or serial would exempt every device")
		}
		vals = append(vals, r.Vendor, r.Product, r.Serial)
	}
	vals = append(vals, extra...)
	for _, v := range vals {
		if i := strings.IndexFunc(v, func(c rune) bool { return c == '"' || c == '\\' || c < ' ' || c == 0x7f }); i >= 0 {
			return nil, fmt.Errorf("udev rule: %q holds a character udev cannot carry (%q)", v, v[i])
		}
	}
	// udev compares ATTRS{idVendor} as the kernel prints it: four lower
	// case hex digits.
	lower := make([]Rule, len(allow))
	for i, r := range allow {
		lower[i] = Rule{Vendor: strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(r.Vendor, "0x"), "0X")),
			Product: strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(r.Product, "0x"), "0X")), Serial: r.Serial}
	}
	t, err := template.New(UdevRuleName).Parse(configs.UdevRule)
	if err != nil {
		return nil, fmt.Errorf("udev rule template: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, struct {
		Blockdev string
		Allow    []Rule
		Extra    []string
	}{blockdev, lower, extra}); err != nil {
		return nil, fmt.Errorf("rendering the udev rule: %w", err)
	}
	return b.Bytes(), nil
}
