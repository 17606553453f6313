import './base.css';
import './stages.css';
import './git.css';
import './schedule.css';
import './catalog.css';
