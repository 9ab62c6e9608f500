"""What every page of the site shares: the language and translated labels, template helpers, and security
headers and safe redirects."""
