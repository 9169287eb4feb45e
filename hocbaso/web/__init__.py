"""What every page of the site shares: the layout, the navigation, staff login."""
