package projections

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
)

// DailyIntake counts the complaints received per day (in the service's time
// zone) and channel. It is asynchronous: nobody waits for it.
type DailyIntake struct {
	Loc *time.Location
}

// Name implements Projection.
func (DailyIntake) Name() string { return "daily_intake" }

// Apply implements Projection.
func (d DailyIntake) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	type key struct {
		day     string
		channel string
	}
	counts := map[key]int{}
	var order []key
	for _, e := range events {
		if e.AggregateType != complaint.AggregateType || e.Type != complaint.TypeComplaintFiled {
			continue
		}
		var f filedFacts
		if err := json.Unmarshal(e.Data, &f); err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		k := key{f.ReceivedAt.In(d.Loc).Format(time.DateOnly), f.Channel}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	batch := &pgx.Batch{}
	for _, k := range order {
		batch.Queue(`INSERT INTO daily_intake (day, channel, complaints) VALUES ($1, $2, $3)
			ON CONFLICT (day, channel) DO UPDATE SET complaints = daily_intake.complaints + EXCLUDED.complaints`,
			k.day, k.channel, counts[k])
	}
	return tx.SendBatch(ctx, batch).Close()
}
