//go:build !linux && !darwin && !windows

package volumes

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExecuteUnsupported(t *testing.T) {
	t.Parallel()
	w := New(Options{})
	assert.True(t, errors.Is(w.Execute(), errors.ErrUnsupported))
}
