// Command recorder stands in for systemctl, udevadm and service in the
// installer's test root: it appends the name it was run as and its
// arguments to /calls.log, and answers the queries the installer makes as
// the real ones would for a running service.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	name := filepath.Base(os.Args[0])
	args := os.Args[1:]
	f, err := os.OpenFile("/calls.log", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintln(f, strings.Join(append([]string{name}, args...), " "))
	f.Close()
	switch {
	case name == "systemctl" && len(args) > 0 && args[0] == "is-active":
		fmt.Println("active")
	case name == "service" && len(args) > 1 && args[1] == "status":
		fmt.Println("Running")
	case name == "systemctl" && len(args) > 0 && args[0] == "--version":
		fmt.Println("systemd 252 (252.38-1~deb12u1)")
	}
}
