import './base.css';
import './stages.css';
