// The demo's time zones, apart from the demo itself so that messages can name them without loading the sandbox.
export const DEMO_BIOTIME_ZONE = 'Asia/Riyadh';
export const DEMO_SITE_ZONE = 'Asia/Dubai';
