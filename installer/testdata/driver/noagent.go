//go:build !agent

package main

import (
	"context"
	"errors"
)

func runAgent(context.Context, string) error {
	return errors.New("built without the agent (-tags agent)")
}
