//go:build ignore

// dcganprobe: DCGAN step ms and cores busy (getrusage user+sys / wall) per backend config.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"syscall"
	"time"

	ganbackend "github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/gan"
)

// sysBusy is the whole machine's busy CPU time from /proc/stat (USER_HZ=100).
func sysBusy() time.Duration {
	b, _ := os.ReadFile("/proc/stat")
	var name string
	var v [10]int64
	fmt.Sscan(string(b), &name, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7])
	busy := v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
	return time.Duration(busy) * 10 * time.Millisecond
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	steps, _ := strconv.Atoi(os.Args[1])
	set, err := data.Load("mnist", "train")
	if err != nil {
		panic(err)
	}
	for _, cfg := range os.Args[2:] {
		b, err := ganbackend.NewWithConfig(cfg)
		if err != nil {
			panic(err)
		}
		t, err := gan.NewTrainer(b, gan.TFTutorialDCGAN(), set)
		if err != nil {
			panic(err)
		}
		for range 3 {
			if _, err := t.Step(); err != nil {
				panic(err)
			}
		}
		var times []time.Duration
		if f := os.Getenv("PROF"); f != "" {
			pf, _ := os.Create(f)
			pprof.StartCPUProfile(pf)
			defer pprof.StopCPUProfile()
		}
		s0, c0, t0 := sysBusy(), cpu(), time.Now()
		for range steps {
			s := time.Now()
			t.Step()
			times = append(times, time.Since(s))
		}
		wall := time.Since(t0)
		c := cpu() - c0
		other := (sysBusy() - s0 - c).Seconds() / wall.Seconds()
		slices.Sort(times)
		fmt.Fprintf(os.Stderr, "%-40s median %6.1f ms/step  cores %.2f  other-procs %.2f\n", cfg, float64(times[len(times)/2].Microseconds())/1000, c.Seconds()/wall.Seconds(), other)
		b.Finalize()
	}
}
