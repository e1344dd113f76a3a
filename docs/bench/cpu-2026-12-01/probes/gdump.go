//go:build ignore

// gdump: while a 1024² MatMul runs in a loop, samples all goroutine stacks 50 times and reports how many
// goroutines were inside the matmul's Saturate worker (avx512LargeFloat32.func*) and how many executors
// (runExecutor) were parked on the ready queue.
package main

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"time"

	ganbackend "github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/bench"
)

func main() {
	for _, cfg := range os.Args[1:] {
		b, _ := ganbackend.NewWithConfig(cfg)
		st, _, _ := bench.MatMulStep(b, 1024)
		stop := make(chan bool)
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
					st.Run()
				}
			}
		}()
		time.Sleep(300 * time.Millisecond)
		hist := map[string]int{}
		for range 50 {
			buf := make([]byte, 1<<22)
			buf = buf[:runtime.Stack(buf, true)]
			workers, parked := 0, 0
			for _, g := range bytes.Split(buf, []byte("\n\n")) {
				s := string(g)
				if strings.Contains(s, "avx512LargeFloat32.func") && !strings.Contains(s, "FeedWorkItems") {
					workers++
				}
				if strings.Contains(s, "runExecutor") && strings.Contains(s, "chan receive") {
					parked++
				}
			}
			pool := reflect.ValueOf(b).Elem().FieldByName("Workers").Elem()
			hist[fmt.Sprintf("pool numRunning=%d of maxParallelism=%d; matmul workers=%d, executors parked on readyQueue=%d",
				pool.FieldByName("numRunning").Int(), pool.FieldByName("maxParallelism").Int(), workers, parked)]++
			time.Sleep(7 * time.Millisecond)
		}
		close(stop)
		time.Sleep(50 * time.Millisecond)
		fmt.Fprintf(os.Stderr, "%s (GOMAXPROCS=%d):\n", cfg, runtime.GOMAXPROCS(0))
		for k, v := range hist {
			fmt.Fprintf(os.Stderr, "   %2d/50 samples: %s\n", v, k)
		}
	}
}
