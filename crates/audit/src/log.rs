//! Group commit for events that stand alone (mostly reads): a read of personal data
//! is answered only after its event is stored, and one background task appends
//! whatever has queued up in one transaction, so many readers share one commit.

use std::sync::Arc;

use casework_store::Store;
use tokio::sync::{mpsc, oneshot};

use crate::{AuditError, NewAuditEvent, append};

/// Most events appended in one transaction.
const MAX_GROUP: usize = 256;
/// Events that may wait for the writer before `record` itself waits to queue.
const QUEUE: usize = 4_096;

type Reply = oneshot::Sender<Result<i64, AuditError>>;

/// A handle to the audit log's writer. Cheap to clone; the writer task stops once
/// every handle is dropped and the queue is empty.
///
/// Events that belong with a change (create, update, delete...) are not recorded
/// here: append them with [`append`](crate::append) inside the change's own write
/// transaction.
#[derive(Debug, Clone)]
pub struct AuditLog {
    queue: mpsc::Sender<(NewAuditEvent, Reply)>,
}

impl AuditLog {
    /// Starts the writer task. Call from within a tokio runtime.
    pub fn start(store: Store) -> Self {
        let (queue, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_groups(store, receiver));
        Self { queue }
    }

    /// Appends `event` and returns its sequence number once it is committed.
    pub async fn record(&self, event: NewAuditEvent) -> Result<i64, AuditError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send((event, reply))
            .await
            .map_err(|_| AuditError::Closed)?;
        answer.await.map_err(|_| AuditError::Closed)?
    }
}

async fn write_groups(store: Store, mut receiver: mpsc::Receiver<(NewAuditEvent, Reply)>) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    // `recv_many` returns 0 only when every sender is gone and the queue is empty.
    while receiver.recv_many(&mut group, MAX_GROUP).await > 0 {
        let (events, replies): (Vec<_>, Vec<_>) = group.drain(..).unzip();
        match append_group(&store, events).await {
            Ok(seqs) => {
                for (reply, seq) in replies.into_iter().zip(seqs) {
                    // A caller that gave up waiting still has its event stored.
                    let _ = reply.send(Ok(seq));
                }
            }
            Err(err) => {
                tracing::error!(error = %err, events = replies.len(), "audit append failed");
                let err = Arc::new(err);
                for reply in replies {
                    let _ = reply.send(Err(AuditError::Batch(Arc::clone(&err))));
                }
            }
        }
    }
}

async fn append_group(store: &Store, events: Vec<NewAuditEvent>) -> Result<Vec<i64>, AuditError> {
    let txn = store.begin_write().await?;
    let stored = append(&txn, events).await?;
    txn.commit().await?;
    Ok(stored.iter().map(|event| event.seq).collect())
}
