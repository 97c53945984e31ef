// Package scan classifies files and folders on disk: it opens each file
// without following links and without blocking on FIFOs or devices, and
// hands its bytes to the classifier. It changes nothing.
package scan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"dataward/policy/classify"
)

// Options tune a scan.
type Options struct {
	Classify classify.Options
	// Timeout bounds the work on one file.
	Timeout time.Duration
	// Workers is how many files are classified at once (0: one per CPU).
	Workers int
}

// ErrNotRegular reports a path that is not a regular file: a link, a FIFO,
// a device or a socket. Nothing is read from it.
var ErrNotRegular = errors.New("not a regular file")

// File classifies the regular file at path. It does not follow a link at
// the last element, and a FIFO or device is refused without blocking.
func File(ctx context.Context, path string, opt Options) (classify.Result, error) {
	f, err := openRegular(path)
	if err != nil {
		return classify.Result{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return classify.Result{}, fmt.Errorf("reading %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return classify.Result{}, fmt.Errorf("%s: %w", path, ErrNotRegular)
	}
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	return classify.Classify(ctx, f, st.Size(), opt.Classify), nil
}

// Item is the outcome for one file of a walk.
type Item struct {
	Path   string
	Result classify.Result
	Err    error
}

// Walk classifies every regular file under each root (a root may itself be
// a file), in walk order, calling emit for each. Symbolic links are neither
// followed nor read. Several files are classified at once; emit is called
// from one goroutine, in order.
func Walk(ctx context.Context, roots []string, opt Options, emit func(Item)) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		path string
		done chan Item
	}
	jobs := make(chan job, workers)
	order := make(chan chan Item, workers*4)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				res, err := File(ctx, j.path, opt)
				j.done <- Item{Path: j.path, Result: res, Err: err}
			}
		})
	}
	var emitted sync.WaitGroup
	emitted.Go(func() {
		for c := range order {
			emit(<-c)
		}
	})
	submit := func(path string) {
		done := make(chan Item, 1)
		order <- done
		jobs <- job{path: path, done: done}
	}
	fail := func(path string, err error) {
		done := make(chan Item, 1)
		done <- Item{Path: path, Err: err}
		order <- done
	}
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			switch {
			case err != nil:
				fail(path, err)
			case d.Type()&fs.ModeSymlink != 0:
				// Never followed: a link in a watched folder may point
				// anywhere, including at another user's files.
			case d.Type().IsRegular():
				submit(path)
			case !d.IsDir():
				fail(path, fmt.Errorf("%s: %w", path, ErrNotRegular))
			}
			return nil
		})
		if err != nil && ctx.Err() == nil {
			fail(root, err)
		}
	}
	close(jobs)
	wg.Wait()
	close(order)
	emitted.Wait()
}
