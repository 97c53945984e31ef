//go:build !linux

package usb

const isLinux = false
