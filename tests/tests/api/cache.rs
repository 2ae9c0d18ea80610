//! The cache facade behaves alike on Redis and in process: counters added to atomically,
//! read whole, and rebuilt from the database one rebuild at a time.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use canyu::cache::Counters;
use canyu_tests::{on_every_backend, TestApp};

on_every_backend!(
    counters_are_added_to_together_once_built,
    a_missing_set_of_counters_is_rebuilt_once_for_everyone_waiting,
);

fn counters(pairs: &[(&str, i64)]) -> Counters {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

async fn counters_are_added_to_together_once_built(app: TestApp) {
    let cache = app.state.cache.clone();
    let fields = [("responses", 1), ("rating_5", 1)];
    assert!(
        !cache.increment_counters("survey:a", &fields).await.unwrap(),
        "a set that was never built is not started by an increment"
    );
    assert_eq!(cache.counters("survey:a").await.unwrap(), None);

    let built = cache
        .counters_or_rebuild("survey:a", || async {
            Ok::<_, ()>(counters(&[("responses", 10), ("rating_5", 4)]))
        })
        .await
        .unwrap();
    assert_eq!(built, counters(&[("responses", 10), ("rating_5", 4)]));

    let adds: Vec<_> = (0..50)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.increment_counters("survey:a", &fields).await })
        })
        .collect();
    for add in adds {
        assert!(add.await.unwrap().unwrap());
    }
    assert_eq!(
        cache.counters("survey:a").await.unwrap(),
        Some(counters(&[("responses", 60), ("rating_5", 54)]))
    );

    cache.delete("survey:a").await.unwrap();
    assert_eq!(cache.counters("survey:a").await.unwrap(), None);
    let empty = cache
        .counters_or_rebuild("survey:b", || async { Ok::<_, ()>(Counters::new()) })
        .await
        .unwrap();
    assert!(empty.is_empty());
    assert_eq!(
        cache.counters("survey:b").await.unwrap(),
        Some(HashMap::new()),
        "an empty set is stored too, so it is not rebuilt on every read"
    );
}

async fn a_missing_set_of_counters_is_rebuilt_once_for_everyone_waiting(app: TestApp) {
    let loads = Arc::new(AtomicUsize::new(0));
    let readers: Vec<_> = (0..20)
        .map(|_| {
            let (cache, loads) = (app.state.cache.clone(), loads.clone());
            tokio::spawn(async move {
                cache
                    .counters_or_rebuild("survey:c", || async move {
                        loads.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<_, ()>(counters(&[("responses", 7)]))
                    })
                    .await
            })
        })
        .collect();
    for reader in readers {
        assert_eq!(
            reader.await.unwrap().unwrap(),
            counters(&[("responses", 7)])
        );
    }
    assert_eq!(loads.load(Ordering::SeqCst), 1, "one rebuild, no stampede");
}
