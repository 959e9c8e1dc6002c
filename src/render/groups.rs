//! Rows grouped by another table's rows: claims, figures and mentions by article,
//! mentions by entity. Flat arrays of row numbers, built once and shared read-only by
//! every rendering thread.

use std::ops::Range;

/// A row number that belongs to no group.
pub const NO_GROUP: u32 = u32::MAX;

/// The rows of a table grouped by another table's rows (claims by article, mentions by
/// entity): `rows[offsets[g]..offsets[g + 1]]` are group `g`'s rows. Built by counting
/// sort, so each group keeps table order until it is re-sorted. The items may be other
/// values than rows (a statistic's claim ids), grouped the same way.
#[derive(Debug, Clone, Default)]
pub struct Grouped<T = u32> {
    offsets: Vec<u32>,
    rows: Vec<T>,
}

impl Grouped {
    /// `keys[r]` is the group of row `r`, or [`NO_GROUP`].
    pub fn new(n_groups: usize, keys: &[u32]) -> Self {
        Self::new_visiting(n_groups, keys, 0..keys.len() as u32)
    }

    /// [`Grouped::new`] with each group's rows in the order `visit` gives them (every
    /// row that has a group, once): rows grouped by article, visited in the site's
    /// order of articles ([`ByParent::rows_in_order`]), come out sorted by their
    /// article's position without a sort.
    pub fn new_visiting(n_groups: usize, keys: &[u32], visit: impl Iterator<Item = u32>) -> Self {
        let offsets = offsets(n_groups, keys);
        let mut next = offsets.clone();
        let mut rows = vec![0u32; offsets[n_groups] as usize];
        for r in visit {
            let k = keys[r as usize];
            if k != NO_GROUP {
                rows[next[k as usize] as usize] = r;
                next[k as usize] += 1;
            }
        }
        Grouped { offsets, rows }
    }

    /// The same groups holding `values[r]` in place of each row `r` (to group values
    /// listed with their group keys).
    pub fn with_values(mut self, values: &[u32]) -> Self {
        for r in &mut self.rows {
            *r = values[*r as usize];
        }
        self
    }

    /// Sorts every group's rows with `key`.
    pub fn sort_each_by_key<K: Ord + Send>(&mut self, key: impl Fn(u32) -> K + Sync) {
        use rayon::prelude::*;
        self.groups_mut()
            .par_iter_mut()
            .for_each(|s| s.sort_by_cached_key(|&r| key(r)));
    }
}

impl<T> Grouped<T> {
    /// Groups whose items are `rows[offsets[g]..offsets[g + 1]]`.
    pub fn from_parts(offsets: Vec<u32>, rows: Vec<T>) -> Self {
        assert!(
            offsets
                .last()
                .is_some_and(|&end| end as usize == rows.len())
        );
        Grouped { offsets, rows }
    }

    /// Group `g`'s rows.
    pub fn of(&self, g: usize) -> &[T] {
        &self.rows[self.offsets[g] as usize..self.offsets[g + 1] as usize]
    }

    pub fn n_groups(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Every group's items, to change in place (in parallel).
    fn groups_mut(&mut self) -> Vec<&mut [T]> {
        let mut slices: Vec<&mut [T]> = Vec::with_capacity(self.offsets.len());
        let mut rest: &mut [T] = &mut self.rows;
        for w in self.offsets.windows(2) {
            let (head, tail) = rest.split_at_mut((w[1] - w[0]) as usize);
            slices.push(head);
            rest = tail;
        }
        slices
    }
}

impl<T: Ord + Send> Grouped<T> {
    /// Sorts every group's items.
    pub fn sort_each(&mut self) {
        use rayon::prelude::*;
        self.groups_mut()
            .par_iter_mut()
            .for_each(|s| s.sort_unstable());
    }
}

/// Where each of `n_groups` groups starts among rows whose group is `keys[r]` (rows of
/// [`NO_GROUP`] in none), and where the last ends.
fn offsets(n_groups: usize, keys: &[u32]) -> Vec<u32> {
    let mut counts = vec![0u32; n_groups + 1];
    for &k in keys {
        if k != NO_GROUP {
            counts[k as usize + 1] += 1;
        }
    }
    starts_of_counts(counts)
}

/// `counts[g + 1]`, the size of group `g` (`counts[0]` is 0), turned into where each
/// group starts when they follow each other, and where the last ends.
pub fn starts_of_counts(mut counts: Vec<u32>) -> Vec<u32> {
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    counts
}

/// A child table's rows by parent row (claims, figures and mentions by article), and
/// the parent of each row.
///
/// The build writes every child table in its articles' order, so an article's rows are
/// one run of neighbouring rows: then only where each run starts is held, four bytes an
/// article, instead of a row list and each row's parent, eight bytes a row (at a
/// million articles, 31.7 million mentions: 250 MB). A table in any other order (a file
/// written by something else, a test's fixture) keeps the lists and renders the same.
#[derive(Debug, Clone)]
pub enum ByParent {
    /// `starts[g]..starts[g + 1]` are group `g`'s rows.
    Runs {
        starts: Vec<u32>,
    },
    Listed {
        groups: Grouped,
        parent: Vec<u32>,
    },
}

impl ByParent {
    /// `parent[r]`: the parent row of row `r` ([`NO_GROUP`] for none).
    pub fn new(n_parents: usize, parent: Vec<u32>) -> Self {
        let in_runs =
            parent.last().is_none_or(|&p| p != NO_GROUP) && parent.windows(2).all(|w| w[0] <= w[1]);
        if in_runs {
            ByParent::Runs {
                starts: offsets(n_parents, &parent),
            }
        } else {
            ByParent::Listed {
                groups: Grouped::new(n_parents, &parent),
                parent,
            }
        }
    }

    /// `n_parents` parents without rows (a child table not built).
    pub fn empty(n_parents: usize) -> Self {
        ByParent::new(n_parents, Vec::new())
    }

    /// Group `g`'s rows.
    pub fn of(&self, g: usize) -> GroupRows<'_> {
        match self {
            ByParent::Runs { starts } => GroupRows::Run(starts[g]..starts[g + 1]),
            ByParent::Listed { groups, .. } => GroupRows::Listed(groups.of(g).iter().copied()),
        }
    }

    /// The parent row of row `r` ([`NO_GROUP`] for none).
    pub fn parent(&self, r: usize) -> u32 {
        match self {
            ByParent::Runs { starts } => {
                // The last group starting at or before `r`: the one holding it (groups
                // with no rows start where the next one does).
                starts.partition_point(|&s| s as usize <= r) as u32 - 1
            }
            ByParent::Listed { parent, .. } => parent[r],
        }
    }

    /// How many rows have a parent.
    pub fn n_rows(&self) -> usize {
        match self {
            ByParent::Runs { starts } => starts.last().copied().unwrap_or(0) as usize,
            ByParent::Listed { parent, .. } => parent.iter().filter(|&&p| p != NO_GROUP).count(),
        }
    }

    pub fn n_groups(&self) -> usize {
        match self {
            ByParent::Runs { starts } => starts.len().saturating_sub(1),
            ByParent::Listed { groups, .. } => groups.n_groups(),
        }
    }

    /// Every group's rows, the groups taken in `order`.
    pub fn rows_in_order<'s>(&'s self, order: &'s [u32]) -> impl Iterator<Item = u32> + 's {
        order.iter().flat_map(|&g| self.of(g as usize))
    }

    /// Puts every group's rows in the order of `key` (claims by ordinal); runs already in
    /// that order stay runs.
    pub fn sort_each_by_key<K: Ord + Send>(&mut self, key: impl Fn(u32) -> K + Sync) {
        if let ByParent::Runs { starts } = self {
            let sorted = starts.windows(2).all(|w| {
                let run = w[0]..w[1];
                run.clone().zip(run.skip(1)).all(|(a, b)| key(a) <= key(b))
            });
            if sorted {
                return;
            }
            let parent = (0..self.n_groups())
                .flat_map(|g| self.of(g).map(move |_| g as u32))
                .collect::<Vec<_>>();
            *self = ByParent::Listed {
                groups: Grouped::new(self.n_groups(), &parent),
                parent,
            };
        }
        if let ByParent::Listed { groups, .. } = self {
            groups.sort_each_by_key(key);
        }
    }
}

/// One group's rows ([`ByParent::of`]), in order.
#[derive(Debug, Clone)]
pub enum GroupRows<'a> {
    Run(Range<u32>),
    Listed(std::iter::Copied<std::slice::Iter<'a, u32>>),
}

impl Iterator for GroupRows<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        match self {
            GroupRows::Run(r) => r.next(),
            GroupRows::Listed(l) => l.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            GroupRows::Run(r) => r.size_hint(),
            GroupRows::Listed(l) => l.size_hint(),
        }
    }
}

impl ExactSizeIterator for GroupRows<'_> {}

impl DoubleEndedIterator for GroupRows<'_> {
    fn next_back(&mut self) -> Option<u32> {
        match self {
            GroupRows::Run(r) => r.next_back(),
            GroupRows::Listed(l) => l.next_back(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouping_keeps_table_order_and_sorts_on_request() {
        let keys = [2, 0, NO_GROUP, 2, 0, 1];
        let mut g = Grouped::new(3, &keys);
        assert_eq!(g.of(0), [1, 4]);
        assert_eq!(g.of(1), [5]);
        assert_eq!(g.of(2), [0, 3]);
        assert_eq!(g.n_groups(), 3);
        g.sort_each_by_key(std::cmp::Reverse);
        assert_eq!(g.of(0), [4, 1]);
        assert_eq!(g.of(2), [3, 0]);
        // Items of any kind, grouped by where each group starts.
        let starts = starts_of_counts(vec![0, 2, 0, 3]);
        assert_eq!(starts, [0, 2, 2, 5]);
        let mut g = Grouped::from_parts(starts, vec!["b", "a", "z", "x", "y"]);
        g.sort_each();
        assert_eq!(
            (g.of(0), g.of(1), g.of(2)),
            (&["a", "b"][..], &[][..], &["x", "y", "z"][..])
        );
    }

    fn groups(b: &ByParent) -> Vec<Vec<u32>> {
        (0..b.n_groups()).map(|g| b.of(g).collect()).collect()
    }

    #[test]
    fn rows_in_their_parents_order_are_held_as_runs() {
        // Parent 0 and 3 have no rows.
        let parent = vec![1, 1, 2, 4, 4, 4];
        let b = ByParent::new(5, parent.clone());
        assert!(matches!(b, ByParent::Runs { .. }));
        assert_eq!(
            groups(&b),
            [vec![], vec![0, 1], vec![2], vec![], vec![3, 4, 5]]
        );
        for (r, &p) in parent.iter().enumerate() {
            assert_eq!(b.parent(r), p, "row {r}");
        }
        assert_eq!(b.n_rows(), 6);
        assert_eq!(
            b.rows_in_order(&[4, 1]).collect::<Vec<_>>(),
            [3, 4, 5, 0, 1]
        );
        assert_eq!(b.of(4).len(), 3);
        assert_eq!(b.of(4).rev().collect::<Vec<_>>(), [5, 4, 3]);
    }

    #[test]
    fn rows_in_any_other_order_give_the_same_groups_from_lists() {
        let parent = vec![2, 0, 2, 1, NO_GROUP];
        let b = ByParent::new(3, parent.clone());
        assert!(matches!(b, ByParent::Listed { .. }));
        assert_eq!(groups(&b), [vec![1], vec![3], vec![0, 2]]);
        for (r, &p) in parent.iter().enumerate() {
            assert_eq!(b.parent(r), p);
        }
        assert_eq!(b.n_rows(), 4);
        // A row without a parent at the end is not a run either.
        assert!(matches!(
            ByParent::new(1, vec![0, NO_GROUP]),
            ByParent::Listed { .. }
        ));
        let empty = ByParent::empty(2);
        assert!(matches!(empty, ByParent::Runs { .. }));
        assert_eq!(
            (empty.n_groups(), empty.n_rows(), empty.of(1).len()),
            (2, 0, 0)
        );
    }

    #[test]
    fn sorting_runs_keeps_them_when_already_in_order() {
        let ordinal = [1, 2, 1, 2, 3];
        let mut b = ByParent::new(2, vec![0, 0, 1, 1, 1]);
        b.sort_each_by_key(|r| ordinal[r as usize]);
        assert!(matches!(b, ByParent::Runs { .. }));
        assert_eq!(groups(&b), [vec![0, 1], vec![2, 3, 4]]);
        // Group 1 out of order: every group becomes a list, sorted.
        let ordinal = [1, 2, 1, 3, 2];
        let mut b = ByParent::new(2, vec![0, 0, 1, 1, 1]);
        b.sort_each_by_key(|r| ordinal[r as usize]);
        assert!(matches!(b, ByParent::Listed { .. }));
        assert_eq!(groups(&b), [vec![0, 1], vec![2, 4, 3]]);
        assert_eq!(b.parent(4), 1);
    }
}
