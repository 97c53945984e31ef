// Command gencorpus writes the classifier's labelled test corpus:
//
//	go run ./policy/classify/corpus/cmd/gencorpus -out DIR [-seed N] [-big MB]
//
// -big adds a membership CSV of about MB megabytes, streamed, for
// benchmarks; it is labelled personal in labels.json like the rest.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"dataward/policy/classify/corpus"
)

func main() {
	out := flag.String("out", "", "directory to write the corpus into (required)")
	seed := flag.Int64("seed", 1, "seed; the same seed writes the same bytes")
	big := flag.Int64("big", 0, "also write a members CSV of about this many MB")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gencorpus: -out is required")
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, *seed, *big); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

func run(dir string, seed, bigMB int64) (err error) {
	start := time.Now()
	cases, err := corpus.Generate(dir, seed)
	if err != nil {
		return err
	}
	if bigMB > 0 {
		n, err := writeBig(filepath.Join(dir, corpus.BigName), bigMB<<20, seed)
		if err != nil {
			return err
		}
		cases = append(cases, corpus.Case{Path: corpus.BigName, Want: corpus.WantPersonal, Shape: "roster/csv-big", Records: n})
		if err := corpus.WriteLabels(dir, cases); err != nil {
			return err
		}
	}
	count := map[string]int{}
	for _, c := range cases {
		count[c.Want]++
	}
	fmt.Printf("wrote %d files to %s in %v: %d personal, %d clean, %d encrypted\n", len(cases), dir,
		time.Since(start).Round(time.Millisecond), count[corpus.WantPersonal], count[corpus.WantClean], count[corpus.WantEncrypted])
	return nil
}

func writeBig(path string, size, seed int64) (n int, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, fmt.Errorf("creating big file: %w", err)
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	w := bufio.NewWriter(f)
	if n, err = corpus.WriteMembers(w, size, seed); err != nil {
		return n, err
	}
	if err := w.Flush(); err != nil {
		return n, fmt.Errorf("writing big file: %w", err)
	}
	return n, nil
}
