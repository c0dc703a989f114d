//! The halving search both the locator and the cause search use: every
//! item of a failing set that fails on its own, in about two checks per
//! halving step of each.

/// What [`culprits`] found.
pub struct Culprits<'a, T: ?Sized> {
    /// The items that fail on their own, in their order in the input.
    pub alone: Vec<&'a T>,
    /// Whether some failure needs several items together.
    pub together: bool,
}

/// Every item of `items` (a set that fails) that makes `fails` true on its
/// own, found by halving each failing part: about two runs per halving
/// step of each culprit, each run over the part it tests, so a spec with
/// many bad schemas is located in one pass rather than one run of the
/// pipeline per schema.
pub fn culprits<'a, T: ?Sized>(
    items: &[&'a T],
    fails: impl Fn(&[&'a T]) -> bool,
) -> Culprits<'a, T> {
    let mut found = Culprits {
        alone: Vec::new(),
        together: false,
    };
    let mut parts = vec![items.to_vec()];
    while let Some(part) = parts.pop() {
        if let [one] = part.as_slice() {
            found.alone.push(*one);
            continue;
        }
        if part.is_empty() {
            continue;
        }
        let (a, b) = part.split_at(part.len() / 2);
        let (a_fails, b_fails) = (fails(a), fails(b));
        if !a_fails && !b_fails {
            found.together = true;
        }
        // The second half goes on the stack first, so parts are finished
        // in input order.
        for (half, failing) in [(b, b_fails), (a, a_fails)] {
            if failing {
                parts.push(half.to_vec());
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn every_item_that_fails_alone_is_found_in_one_pass() {
        let items: Vec<&u32> = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].iter().collect();
        let bad = [3, 4, 10];
        let runs = Cell::new(0);
        let found = culprits(&items, |part| {
            runs.set(runs.get() + 1);
            part.iter().any(|i| bad.contains(*i))
        });
        assert_eq!(found.alone, vec![&3, &4, &10]);
        assert!(!found.together);
        assert!(runs.get() <= 2 * 3 * 4, "{} runs", runs.get());
    }

    #[test]
    fn a_failure_of_two_items_together_is_said() {
        let items: Vec<&u32> = [1, 2, 3, 4].iter().collect();
        let found = culprits(&items, |part| part.contains(&&2) && part.contains(&&3));
        assert!(found.alone.is_empty());
        assert!(found.together);
    }
}
