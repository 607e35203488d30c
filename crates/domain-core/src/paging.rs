use serde::Serialize;

/// The largest page a client may ask for.
pub const MAX_PAGE_SIZE: u32 = 100;

/// A validated page request: `page` ≥ 1, `1 ≤ page_size ≤ MAX_PAGE_SIZE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    page_size: u32,
}

impl PageRequest {
    pub const DEFAULT_PAGE_SIZE: u32 = 20;

    /// Refuses page 0, page size 0 and page sizes above [`MAX_PAGE_SIZE`].
    pub fn new(page: Option<u32>, page_size: Option<u32>) -> Result<Self, String> {
        let page = page.unwrap_or(1);
        let page_size = page_size.unwrap_or(Self::DEFAULT_PAGE_SIZE);
        if page == 0 {
            return Err("page starts at 1".into());
        }
        if page_size == 0 || page_size > MAX_PAGE_SIZE {
            return Err(format!("page_size must be between 1 and {MAX_PAGE_SIZE}"));
        }
        Ok(Self { page, page_size })
    }

    pub fn page(&self) -> u32 {
        self.page
    }

    pub fn page_size(&self) -> u32 {
        self.page_size
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.page_size)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            page_size: Self::DEFAULT_PAGE_SIZE,
        }
    }
}

/// One page of results and the total count of matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub page_size: u32,
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_first_page_of_twenty() {
        let request = PageRequest::new(None, None).unwrap();
        assert_eq!(
            (request.page(), request.page_size(), request.offset()),
            (1, 20, 0)
        );
    }

    #[test]
    fn offset_skips_previous_pages() {
        assert_eq!(PageRequest::new(Some(3), Some(25)).unwrap().offset(), 50);
    }

    #[test]
    fn refuses_out_of_range_values() {
        assert!(PageRequest::new(Some(0), None).is_err());
        assert!(PageRequest::new(None, Some(0)).is_err());
        assert!(PageRequest::new(None, Some(MAX_PAGE_SIZE + 1)).is_err());
        assert!(PageRequest::new(None, Some(MAX_PAGE_SIZE)).is_ok());
    }
}
