package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/portflow/portflow/internal/store"
)

type args struct {
	InboxID int64 `json:"inbox_id"`
}

func (args) Kind() string { return "process_bandwidth_callback" }

var body = make([]byte, 600)

func main() {
	ctx := context.Background()
	url := os.Args[1]
	db, err := store.Open(ctx, url, store.Options{})
	if err != nil {
		panic(err)
	}
	db.Pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS ref (id bigserial primary key, body bytea not null, received_at timestamptz not null default now())`)
	rc, _ := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{})
	var seq atomic.Int64
	in := func() store.InboundCallback {
		n := seq.Add(1)
		return store.InboundCallback{DedupeKey: fmt.Sprintf("k%d-%d", time.Now().UnixNano(), n), OrderType: "portins", OrderID: fmt.Sprintf("o%d", n), Status: "FOC", Body: body, ContentType: "application/xml"}
	}
	variants := []struct {
		name string
		fn   func() error
	}{
		{"ref insert (1 RT)", func() error {
			_, err := db.Pool.Exec(ctx, `INSERT INTO ref (body) VALUES ($1)`, body)
			return err
		}},
		{"accept no hook (3 RT)", func() error {
			_, err := store.InboxReceiver{DB: db}.Accept(ctx, in())
			return err
		}},
		{"accept + river (4 RT)", func() error {
			_, err := store.InboxReceiver{DB: db, OnAccepted: func(ctx context.Context, tx pgx.Tx, e store.InboxEntry) error {
				_, err := rc.InsertTx(ctx, tx, args{e.ID}, nil)
				return err
			}}.Accept(ctx, in())
			return err
		}},
		{"tx ref insert + river (4 RT)", func() error {
			return db.InTx(ctx, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO ref (body) VALUES ($1)`, body); err != nil {
					return err
				}
				_, err := rc.InsertTx(ctx, tx, args{1}, nil)
				return err
			})
		}},
		{"tx ref insert x2 (4 RT)", func() error {
			return db.InTx(ctx, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `INSERT INTO ref (body) VALUES ($1)`, body); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `INSERT INTO ref (body) VALUES ($1)`, body)
				return err
			})
		}},
	}
	_ = pgxpool.Pool{}
	for round := 0; round < 2; round++ {
		for _, v := range variants {
			for _, conc := range []int{1, 64} {
				var n atomic.Int64
				stop := time.Now().Add(3 * time.Second)
				var wg sync.WaitGroup
				for range conc {
					wg.Go(func() {
						for time.Now().Before(stop) {
							if err := v.fn(); err != nil {
								panic(err)
							}
							n.Add(1)
						}
					})
				}
				wg.Wait()
				fmt.Printf("%-32s c=%-3d %7.0f/s\n", v.name, conc, float64(n.Load())/3)
			}
		}
	}
}
