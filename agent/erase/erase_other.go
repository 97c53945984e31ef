//go:build !linux && !darwin && !windows

package erase

import (
	"errors"
	"fmt"
	"path"
)

var pathSyntax = pathRules{seps: "/"}

type osHandle struct{}

func openBeneath(root string, comps []string, write bool, want *Identity) (*handle, error) {
	return nil, fmt.Errorf("opening %s beneath %s: %w", path.Join(comps...), root, errors.ErrUnsupported)
}

func (h *handle) stat() (fileInfo, error) { return fileInfo{}, errors.ErrUnsupported }

func (h *handle) remove() error { return errors.ErrUnsupported }

func (h *handle) close() error { return nil }
