//go:build ignore

// coresprobe: MatMul 1024² GFLOP/s and cores busy (getrusage user+sys / wall) per backend config.
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"

	ganbackend "github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/bench"
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
	n := 1024
	for _, cfg := range os.Args[1:] {
		b, err := ganbackend.NewWithConfig(cfg)
		if err != nil {
			panic(err)
		}
		st, flops, err := bench.MatMulStep(b, n)
		if err != nil {
			panic(err)
		}
		for range 3 {
			st.Run()
		}
		runs := 0
		s0, c0, t0 := sysBusy(), cpu(), time.Now()
		for time.Since(t0) < 2*time.Second {
			st.Run()
			runs++
		}
		wall := time.Since(t0)
		c := cpu() - c0
		other := (sysBusy() - s0 - c).Seconds() / wall.Seconds()
		fmt.Fprintf(os.Stderr, "%-40s %6.1f GFLOP/s  cores %.2f  other-procs %.2f  (%d runs)\n", cfg, flops*float64(runs)/wall.Seconds()/1e9, c.Seconds()/wall.Seconds(), other, runs)
		b.Finalize()
	}
}
