//go:build !unix && !windows

package command

import "os/exec"

func resolve(path string) string { return path }

func environ() []string { return nil }

func prepare(*exec.Cmd) {}
