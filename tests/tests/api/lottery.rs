//! The meeting lottery as anyone outside can check it: docs/verify_draw.py, Python's standard
//! library only, recomputes a draw made by the service from the draw alone, and refuses one
//! whose seats, seed or commitment were changed.

use std::{
    path::PathBuf,
    process::Command,
    sync::atomic::{AtomicUsize, Ordering},
};

use canyu::meetings::lottery::{self, Pool};
use serde_json::Value;

/// 15 seats across 5 categories, 40 applicants.
fn pool() -> Pool {
    let categories = [
        ("business", 3),
        ("cppcc_member", 3),
        ("legal", 2),
        ("npc_deputy", 3),
        ("resident", 4),
    ];
    Pool {
        meeting: "0193a1b2-0000-7000-8000-000000000140".into(),
        source: "上海证券交易所 上证综合指数 2021年10月15日 收盘点位".into(),
        quotas: categories
            .iter()
            .map(|(c, n)| (c.to_string(), *n))
            .collect(),
        applicants: (0..40)
            .map(|i| {
                let (category, _) = categories[i * 7 % 5];
                (format!("P{:03}", i * 37 % 101), category.to_string())
            })
            .collect(),
    }
}

/// The verifier's exit status and what it printed, on `draw` saved to a file.
fn verify(draw: &Value) -> (bool, String) {
    static SAVED: AtomicUsize = AtomicUsize::new(0);
    let n = SAVED.fetch_add(1, Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!("canyu-draw-{}-{n}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec_pretty(draw).unwrap()).unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/verify_draw.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&file)
        .output()
        .expect("python3 runs the verifier");
    std::fs::remove_file(&file).unwrap();
    let printed = String::from_utf8_lossy(&out.stdout).into_owned();
    (out.status.success(), printed)
}

#[test]
fn the_verifier_recomputes_a_draw_and_refuses_a_changed_one() {
    let pool = pool();
    let draw = serde_json::to_value(lottery::run(&pool, "3572.37")).unwrap();
    let (ok, printed) = verify(&draw);
    assert!(ok, "{printed}");
    let seated = draw["categories"][4]["seated"].as_array().unwrap();
    assert_eq!(seated.len(), 4, "the residents' four seats filled");
    let first = seated[0].as_str().unwrap();
    assert!(printed.contains(first), "it prints the seats: {printed}");

    // A seat given to someone on the waitlist instead.
    let mut swapped = draw.clone();
    let waiting = swapped["categories"][4]["waitlist"][0].clone();
    swapped["categories"][4]["waitlist"][0] = swapped["categories"][4]["seated"][0].clone();
    swapped["categories"][4]["seated"][0] = waiting;
    assert!(!verify(&swapped).0, "swapped seats are refused");

    // Another public value gives other seats; claiming it without them is refused.
    let other = serde_json::to_value(lottery::run(&pool, "3572.38")).unwrap();
    assert_ne!(other["categories"], draw["categories"]);
    let mut claimed = draw.clone();
    claimed["public_value"] = other["public_value"].clone();
    claimed["seed"] = other["seed"].clone();
    assert!(
        !verify(&claimed).0,
        "old seats under a new value are refused"
    );

    // An applicant slipped into the pool after the commitment.
    let mut grown = draw.clone();
    let text = grown["commitment"]["text"].as_str().unwrap().to_string();
    grown["commitment"]["text"] = Value::from(format!("{text}applicant Z999 resident\n"));
    assert!(
        !verify(&grown).0,
        "a commitment that does not hash to its SHA-256 is refused"
    );
}
