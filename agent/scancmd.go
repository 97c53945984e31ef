package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"dataward/agent/scan"
	"dataward/policy/classify"
	"dataward/policy/config"
)

// ScanOptions are the arguments of `dataward scan`.
type ScanOptions struct {
	Paths  []string
	JSON   bool
	Config config.Config
	Now    time.Time
	Out    io.Writer
}

// scanLine is one line of `scan --json` (INTERFACE.md).
type scanLine struct {
	Path string `json:"path"`
	classify.Result
}

// Scan classifies files and folders and prints one line per file. It
// reports whether any file holds personal data.
func Scan(ctx context.Context, o ScanOptions) (found bool, err error) {
	copt := classify.DefaultOptions()
	copt.MinRecords = o.Config.Classify.MinRecords
	copt.Now = o.Now
	enc := json.NewEncoder(o.Out)
	enc.SetEscapeHTML(false)
	var werr error
	scan.Walk(ctx, o.Paths, scan.Options{Classify: copt, Timeout: 30 * time.Second}, func(it scan.Item) {
		res := it.Result
		if it.Err != nil {
			res = classify.Result{Verdict: classify.Unreadable, Signals: []string{}, Reason: errReason(it.Err)}
		}
		found = found || res.Verdict == classify.Personal
		if werr != nil {
			return
		}
		if o.JSON {
			werr = enc.Encode(scanLine{Path: it.Path, Result: res})
		} else {
			_, werr = fmt.Fprintf(o.Out, "%-10s  %s: %s\n", res.Verdict, it.Path, res.Reason)
		}
	})
	if werr != nil {
		return found, fmt.Errorf("writing results: %w", werr)
	}
	return found, ctx.Err()
}

func errReason(err error) string {
	if errors.Is(err, scan.ErrNotRegular) {
		return "not a regular file: not read"
	}
	return err.Error()
}
