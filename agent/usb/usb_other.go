//go:build !linux && !windows && !darwin

package usb

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

const machinePolicy = false

var errUnsupported = fmt.Errorf("usb blocking on %s: %w", runtime.GOOS, errors.ErrUnsupported)

func setReadOnly(string, bool) error  { return errUnsupported }
func isReadOnly(string) (bool, error) { return false, errUnsupported }
func remountReadOnly(string) error    { return errUnsupported }

func describe(context.Context, Env, Mount) (Device, error)      { return Device{}, errUnsupported }
func block(context.Context, Env, Device, Mount) (string, error) { return "", errUnsupported }
func enforce(context.Context, Env) error                        { return nil }
func release(context.Context, Env) error                        { return nil }
